import { describe, expect, it } from "vitest";
import { toClusterConfigs } from "./clusters";
import { toEndpointSets } from "./endpoints";
import { assignment, edsCluster, staticCluster } from "../../../test/support/xds-fixtures";

const reason = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as Error).message;
  }
  return "accepted";
};

describe("toClusterConfigs", () => {
  it("translates EDS and STATIC clusters with their identity", () => {
    const out = toClusterConfigs([edsCluster("reviews.default|v2"), edsCluster("reviews.default"), staticCluster("weft.inbound|local", [{ port: 8080 }])] as never);
    expect(out.get("reviews.default|v2")).toMatchObject({ kind: "eds", edsName: "reviews.default|v2", connectTimeoutMs: 1000, identity: { service: "reviews", namespace: "default", version: "v2" } });
    expect(out.get("reviews.default")!.identity).toEqual({ service: "reviews", namespace: "default", version: "" });
    expect(out.get("weft.inbound|local")).toMatchObject({ kind: "static", identity: undefined, staticEndpoints: [{ address: "127.0.0.1", port: 8080, health: "healthy", weight: 1, key: "127.0.0.1:8080" }] });
  });

  it("defaults as protobuf does: no type = STATIC, no lb_policy = ROUND_ROBIN, 5 s connect timeout", () => {
    const out = toClusterConfigs([{ name: "s", load_assignment: { cluster_name: "s" } }] as never);
    expect(out.get("s")).toMatchObject({ kind: "static", lbPolicy: "round_robin", connectTimeoutMs: 5000, staticEndpoints: [] });
  });

  it("NACKs what it cannot apply yet", () => {
    expect(reason(() => toClusterConfigs([{ ...edsCluster("a.b"), lb_policy: "MAGLEV" }] as never))).toBe(
      'cluster "a.b": lb_policy MAGLEV not supported yet (ROUND_ROBIN, LEAST_REQUEST, RING_HASH, or load_balancing_policy)',
    );
    expect(reason(() => toClusterConfigs([{ name: "d", type: "STRICT_DNS" }] as never))).toBe('cluster "d": type STRICT_DNS not supported yet (EDS or STATIC)');
    expect(reason(() => toClusterConfigs([{ ...edsCluster("a.b"), transport_socket: { name: "tls" } }] as never))).toContain("transport_socket: transport socket tls not supported yet");
    expect(reason(() => toClusterConfigs([{ ...edsCluster("a.b"), eds_cluster_config: { eds_config: { path: "/etc/eds" } } }] as never))).toContain("eds_config must be { ads: {} }");
    expect(reason(() => toClusterConfigs([edsCluster("a.b"), edsCluster("a.b")] as never))).toBe('cluster "a.b": appears twice in the response');
  });
});

describe("toEndpointSets", () => {
  it("translates health and weight", () => {
    const out = toEndpointSets([assignment("a.b", [{ port: 1, health: "DRAINING", weight: 3 }, { port: 2, health: "UNKNOWN" }])] as never);
    expect(out.get("a.b")).toEqual([
      { address: "127.0.0.1", port: 1, weight: 3, health: "draining", key: "127.0.0.1:1" },
      { address: "127.0.0.1", port: 2, weight: 1, health: "unknown", key: "127.0.0.1:2" },
    ]);
  });

  it("NACKs bad endpoints with their position", () => {
    expect(reason(() => toEndpointSets([assignment("a.b", [{ port: 0 }])] as never))).toBe(
      'cluster_load_assignment "a.b" endpoints[0].lb_endpoints[0]: socket_address.port_value 0 is not a port (1-65535)',
    );
    expect(reason(() => toEndpointSets([{ cluster_name: "a.b", endpoints: [{ priority: 1, lb_endpoints: [] }] }] as never))).toContain("priority 1 not supported yet");
    expect(reason(() => toEndpointSets([{ cluster_name: "a.b", endpoints: [{ lb_endpoints: [{ endpoint: { address: { pipe: { path: "/s" } } } }] }] }] as never))).toContain(
      "endpoint.address must be a socket_address",
    );
  });
});
