import { describe, expect, it } from "vitest";
import { TypeUrl } from "@weft/contracts/proto";
import { createConfigStore } from "./config-store";
import { assignment, edsCluster, inboundRoutes, listener, routeConfig, serviceHost, staticCluster } from "../../test/support/xds-fixtures";

const bound = { inbound: { address: "127.0.0.1", port: 15006 }, outbound: { address: "127.0.0.1", port: 15001 } };

describe("createConfigStore", () => {
  it("derives EDS/RDS subscriptions from CDS/LDS", async () => {
    const store = createConfigStore({ bound });
    await store.apply(TypeUrl.Cluster, [edsCluster("b.ns|v1"), edsCluster("a.ns"), staticCluster("weft.inbound|local", [{ port: 1 }])]);
    await store.apply(TypeUrl.Listener, [listener("weft.inbound", "127.0.0.1", 15006), listener("weft.outbound", "127.0.0.1", 15001)]);
    expect(store.wantedNames(TypeUrl.ClusterLoadAssignment)).toEqual(["a.ns", "b.ns|v1"]);
    expect(store.wantedNames(TypeUrl.RouteConfiguration)).toEqual(["weft.inbound", "weft.outbound"]);
  });

  it("swaps complete snapshots; a rejected update leaves the current one untouched", async () => {
    const store = createConfigStore({ bound });
    const swaps: number[] = [];
    store.onSwap((s) => swaps.push(s.generation));
    await store.apply(TypeUrl.Cluster, [edsCluster("a.ns")]);
    await store.apply(TypeUrl.ClusterLoadAssignment, [assignment("a.ns", [{ port: 1 }])]);
    await store.apply(TypeUrl.Listener, [listener("weft.outbound", "127.0.0.1", 15001)]);
    await store.apply(TypeUrl.RouteConfiguration, [routeConfig("weft.outbound", [serviceHost("a", "ns", 80, [{ name: "d", prefix: "/", cluster: "a.ns" }])])]);
    const good = store.current;
    expect(swaps).toEqual([1, 2, 3, 4]);
    await expect(store.apply(TypeUrl.RouteConfiguration, [routeConfig("weft.outbound", [{ name: "x", domains: [] }])])).rejects.toThrow("domains is empty");
    expect(store.current).toBe(good);
    expect(swaps).toEqual([1, 2, 3, 4]);
    expect(good.clusters.get("a.ns")!.endpoints.map((e) => e.port)).toEqual([1]);
  });

  it("merges EDS responses per resource and drops endpoints of removed clusters", async () => {
    const store = createConfigStore({ bound });
    await store.apply(TypeUrl.Cluster, [edsCluster("a.ns"), edsCluster("b.ns")]);
    await store.apply(TypeUrl.ClusterLoadAssignment, [assignment("a.ns", [{ port: 1 }])]);
    await store.apply(TypeUrl.ClusterLoadAssignment, [assignment("b.ns", [{ port: 2 }])]);
    expect(store.current.clusters.get("a.ns")!.endpoints).toHaveLength(1);
    expect(store.current.clusters.get("b.ns")!.endpoints).toHaveLength(1);
    await store.apply(TypeUrl.Cluster, [edsCluster("a.ns")]);
    await store.apply(TypeUrl.Cluster, [edsCluster("a.ns"), edsCluster("b.ns")]);
    expect(store.current.clusters.get("b.ns")!.endpoints).toHaveLength(0); // b's old endpoints are gone
  });

  it("keeps the round-robin position of clusters an update did not change", async () => {
    const store = createConfigStore({ bound, random: () => 0 });
    await store.apply(TypeUrl.Cluster, [edsCluster("a.ns"), edsCluster("b.ns")]);
    await store.apply(TypeUrl.ClusterLoadAssignment, [assignment("a.ns", [{ port: 1 }, { port: 2 }]), assignment("b.ns", [{ port: 3 }])]);
    expect(store.current.clusters.get("a.ns")!.balancer.pick()!.port).toBe(1);
    await store.apply(TypeUrl.ClusterLoadAssignment, [assignment("b.ns", [{ port: 4 }])]);
    expect(store.current.clusters.get("a.ns")!.balancer.pick()!.port).toBe(2);
    expect(store.current.inbound).toBeUndefined();
    await store.apply(TypeUrl.Listener, [listener("weft.inbound", "127.0.0.1", 15006)]);
    await store.apply(TypeUrl.RouteConfiguration, [inboundRoutes()]);
    expect(store.current.routes.get("weft.inbound")!.wildcard!.routes[0]!.name).toBe("local");
  });
});

describe("createConfigStore: persistence and transport", () => {
  it("keeps what it accepted as received, and a new store restored from it serves the same config", async () => {
    const { assignmentWith, edsClusterWith, mtlsMatches } = await import("../../test/support/transport-fixtures");
    const store = createConfigStore({ bound });
    await store.apply(TypeUrl.Cluster, [edsClusterWith("a.ns", { transport_socket_matches: mtlsMatches("spiffe://weft.local/ns/ns/sa/a") })], "c1");
    await store.apply(TypeUrl.ClusterLoadAssignment, [assignmentWith("a.ns", [{ port: 1, mtls: true }, { port: 2 }])], "e1");
    await store.apply(TypeUrl.Listener, [listener("weft.outbound", "127.0.0.1", 15001)], "l1");
    await store.apply(TypeUrl.RouteConfiguration, [routeConfig("weft.outbound", [serviceHost("a", "ns", 80, [{ name: "d", prefix: "/", cluster: "a.ns" }])])], "r1");
    expect(store.current.endpointLabels?.get("127.0.0.1:1")).toEqual({ "weft.io/tls-mode": "mtls" });
    expect(store.current.endpointLabels?.has("127.0.0.1:2")).toBe(false);
    const saved = JSON.parse(JSON.stringify(store.accepted()));
    expect(Object.values(saved).map((t: any) => t.version)).toEqual(["c1", "e1", "l1", "r1"]);
    const restored = createConfigStore({ bound });
    await restored.restore(saved);
    expect([...restored.current.clusters.keys()]).toEqual(["a.ns"]);
    expect(restored.current.clusters.get("a.ns")!.endpoints.map((e) => e.port)).toEqual([1, 2]);
    expect(restored.current.outbound?.routeConfigName).toBe("weft.outbound");
    expect(restored.current.routes.has("weft.outbound")).toBe(true);
    expect(restored.current.endpointLabels).toEqual(store.current.endpointLabels);
  });

  it("drops accepted EDS/RDS resources nothing references any more", async () => {
    const store = createConfigStore({ bound });
    await store.apply(TypeUrl.Cluster, [edsCluster("a.ns"), edsCluster("b.ns")]);
    await store.apply(TypeUrl.ClusterLoadAssignment, [assignment("a.ns", [{ port: 1 }]), assignment("b.ns", [{ port: 2 }])]);
    await store.apply(TypeUrl.Cluster, [edsCluster("a.ns")]);
    expect(store.accepted()[TypeUrl.ClusterLoadAssignment]!.resources.map((r) => r.cluster_name)).toEqual(["a.ns"]);
  });
});
