import { describe, expect, it } from "vitest";
import { TypeUrl } from "@weft/contracts/proto";
import { createConfigStore } from "./config-store";
import { assignment, edsCluster, inboundRoutes, listener, routeConfig, serviceHost, staticCluster } from "../../test/support/xds-fixtures";

const bound = { inbound: { address: "127.0.0.1", port: 15006 }, outbound: { address: "127.0.0.1", port: 15001 } };

describe("createConfigStore", () => {
  it("derives EDS/RDS subscriptions from CDS/LDS", () => {
    const store = createConfigStore({ bound });
    store.apply(TypeUrl.Cluster, [edsCluster("b.ns|v1"), edsCluster("a.ns"), staticCluster("weft.inbound|local", [{ port: 1 }])]);
    store.apply(TypeUrl.Listener, [listener("weft.inbound", "127.0.0.1", 15006), listener("weft.outbound", "127.0.0.1", 15001)]);
    expect(store.wantedNames(TypeUrl.ClusterLoadAssignment)).toEqual(["a.ns", "b.ns|v1"]);
    expect(store.wantedNames(TypeUrl.RouteConfiguration)).toEqual(["weft.inbound", "weft.outbound"]);
  });

  it("swaps complete snapshots; a rejected update leaves the current one untouched", () => {
    const store = createConfigStore({ bound });
    const swaps: number[] = [];
    store.onSwap((s) => swaps.push(s.generation));
    store.apply(TypeUrl.Cluster, [edsCluster("a.ns")]);
    store.apply(TypeUrl.ClusterLoadAssignment, [assignment("a.ns", [{ port: 1 }])]);
    store.apply(TypeUrl.Listener, [listener("weft.outbound", "127.0.0.1", 15001)]);
    store.apply(TypeUrl.RouteConfiguration, [routeConfig("weft.outbound", [serviceHost("a", "ns", 80, [{ name: "d", prefix: "/", cluster: "a.ns" }])])]);
    const good = store.current;
    expect(swaps).toEqual([1, 2, 3, 4]);
    expect(() => store.apply(TypeUrl.RouteConfiguration, [routeConfig("weft.outbound", [{ name: "x", domains: [] }])])).toThrow("domains is empty");
    expect(store.current).toBe(good);
    expect(swaps).toEqual([1, 2, 3, 4]);
    expect(good.clusters.get("a.ns")!.endpoints.map((e) => e.port)).toEqual([1]);
  });

  it("merges EDS responses per resource and drops endpoints of removed clusters", () => {
    const store = createConfigStore({ bound });
    store.apply(TypeUrl.Cluster, [edsCluster("a.ns"), edsCluster("b.ns")]);
    store.apply(TypeUrl.ClusterLoadAssignment, [assignment("a.ns", [{ port: 1 }])]);
    store.apply(TypeUrl.ClusterLoadAssignment, [assignment("b.ns", [{ port: 2 }])]);
    expect(store.current.clusters.get("a.ns")!.endpoints).toHaveLength(1);
    expect(store.current.clusters.get("b.ns")!.endpoints).toHaveLength(1);
    store.apply(TypeUrl.Cluster, [edsCluster("a.ns")]);
    store.apply(TypeUrl.Cluster, [edsCluster("a.ns"), edsCluster("b.ns")]);
    expect(store.current.clusters.get("b.ns")!.endpoints).toHaveLength(0); // b's old endpoints are gone
  });

  it("keeps the round-robin position of clusters an update did not change", () => {
    const store = createConfigStore({ bound, random: () => 0 });
    store.apply(TypeUrl.Cluster, [edsCluster("a.ns"), edsCluster("b.ns")]);
    store.apply(TypeUrl.ClusterLoadAssignment, [assignment("a.ns", [{ port: 1 }, { port: 2 }]), assignment("b.ns", [{ port: 3 }])]);
    expect(store.current.clusters.get("a.ns")!.balancer.pick()!.port).toBe(1);
    store.apply(TypeUrl.ClusterLoadAssignment, [assignment("b.ns", [{ port: 4 }])]);
    expect(store.current.clusters.get("a.ns")!.balancer.pick()!.port).toBe(2);
    expect(store.current.inbound).toBeUndefined();
    store.apply(TypeUrl.Listener, [listener("weft.inbound", "127.0.0.1", 15006)]);
    store.apply(TypeUrl.RouteConfiguration, [inboundRoutes()]);
    expect(store.current.routes.get("weft.inbound")!.wildcard!.routes[0]!.name).toBe("local");
  });
});
