import { describe, expect, it } from "vitest";
import { buildSnapshot } from "./snapshot-builder";
import { toClusterConfigs } from "./translate/clusters";
import { toEndpointSets } from "./translate/endpoints";
import { EMPTY_SNAPSHOT } from "../core/runtime-config";
import { assignment, edsCluster } from "../../test/support/xds-fixtures";

const accepted = (clusters: Array<Record<string, unknown>>, endpoints: Array<Record<string, unknown>>) => ({
  clusters: toClusterConfigs(clusters as never),
  endpoints: toEndpointSets(endpoints as never),
  listeners: new Map(),
  routes: new Map(),
});

describe("buildSnapshot", () => {
  it("keeps host stats (latency, load, ejection) and breaker state across swaps for endpoints that stay", () => {
    const first = buildSnapshot(accepted([edsCluster("a.ns")], [assignment("a.ns", [{ port: 1 }, { port: 2 }])]), EMPTY_SNAPSHOT, () => 0);
    const a1 = first.clusters.get("a.ns")!;
    const host1 = a1.hostSet.hosts[0]!;
    host1.stats.ewmaMs = 42;
    host1.stats.outstanding = 3;
    host1.stats.ejectedUntil = 99;
    a1.state.breaker.active = 2;
    // EDS changes (port 2 leaves, 3 joins) and the cluster's policy changes (lb policy).
    const second = buildSnapshot(
      accepted([{ ...edsCluster("a.ns"), lb_policy: "LEAST_REQUEST" }], [assignment("a.ns", [{ port: 1 }, { port: 3 }])]),
      first,
      () => 0,
    );
    const a2 = second.clusters.get("a.ns")!;
    expect(a2.state).toBe(a1.state);
    expect(a2.hostSet.hosts[0]!.stats).toBe(host1.stats);
    expect(a2.hostSet.hosts[0]!.stats).toMatchObject({ ewmaMs: 42, outstanding: 3, ejectedUntil: 99 });
    expect(a2.hostSet.hosts[1]!.stats.ewmaMs).toBe(-1);
    expect(a2.balancer).not.toBe(a1.balancer);
    // A removed cluster comes back with fresh state.
    const third = buildSnapshot(accepted([], []), second, () => 0);
    const fourth = buildSnapshot(accepted([edsCluster("a.ns")], [assignment("a.ns", [{ port: 1 }])]), third, () => 0);
    expect(fourth.clusters.get("a.ns")!.state).not.toBe(a1.state);
  });

  it("reuses the balancer (round-robin position) when neither config nor endpoints changed", () => {
    const clusters = accepted([edsCluster("a.ns"), edsCluster("b.ns")], [assignment("a.ns", [{ port: 1 }, { port: 2 }]), assignment("b.ns", [{ port: 3 }])]);
    const first = buildSnapshot(clusters, EMPTY_SNAPSHOT, () => 0);
    expect(first.clusters.get("a.ns")!.balancer.pick()!.port).toBe(1);
    const second = buildSnapshot({ ...clusters, endpoints: new Map([...clusters.endpoints, ...toEndpointSets([assignment("b.ns", [{ port: 4 }])] as never)]) }, first, () => 0);
    expect(second.clusters.get("a.ns")!.balancer.pick()!.port).toBe(2);
  });
});
