import { describe, expect, it } from "vitest";
import type { Endpoint, EndpointHealth } from "../core/runtime-config";
import { createRoundRobin } from "./round-robin";
import { chooseWeighted } from "./weighted-choice";
import { ClusterState } from "./cluster-state";
import { createHostSet, type HostSet } from "./host";

function ep(port: number, weight = 1, health: EndpointHealth = "healthy"): Endpoint {
  return { address: "127.0.0.1", port, weight, health, key: `127.0.0.1:${port}` };
}
function hostSet(endpoints: Endpoint[], state = new ClusterState()): HostSet {
  return createHostSet(state.hostsFor(endpoints), state);
}
const picks = (b: { pick(now?: number): Endpoint | undefined }, n: number, now = 0) => Array.from({ length: n }, () => b.pick(now)?.port);

describe("round robin", () => {
  it("cycles through equal-weight endpoints", () => {
    expect(picks(createRoundRobin(hostSet([ep(1), ep(2), ep(3)]), { random: () => 0 }), 6)).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it("starts at a random position", () => {
    expect(picks(createRoundRobin(hostSet([ep(1), ep(2), ep(3)]), { random: () => 0.5 }), 3)).toEqual([2, 3, 1]);
  });

  it("spreads weights smoothly (5:1:1)", () => {
    expect(picks(createRoundRobin(hostSet([ep(1, 5), ep(2, 1), ep(3, 1)]), { random: () => 0 }), 7)).toEqual([1, 1, 2, 1, 3, 1, 1]);
  });

  it("honours weights over many picks", () => {
    const counts = new Map<number, number>();
    for (const p of picks(createRoundRobin(hostSet([ep(1, 3), ep(2, 1)])), 400)) counts.set(p!, (counts.get(p!) ?? 0) + 1);
    expect(counts.get(1)).toBe(300);
    expect(counts.get(2)).toBe(100);
  });

  it("returns undefined without endpoints", () => {
    expect(createRoundRobin(hostSet([])).pick()).toBeUndefined();
  });

  it("only picks EDS-healthy (or unknown) endpoints", () => {
    const b = createRoundRobin(hostSet([ep(1), ep(2, 1, "unhealthy"), ep(3, 1, "draining"), ep(4, 1, "unknown"), ep(5, 1, "degraded")]), { random: () => 0 });
    expect(picks(b, 4)).toEqual([1, 4, 1, 4]);
    expect(createRoundRobin(hostSet([ep(1, 1, "unhealthy")])).pick()).toBeUndefined();
  });

  it("skips hosts failing active checks or ejected, until the ejection ends", () => {
    const state = new ClusterState();
    const set = hostSet([ep(1), ep(2), ep(3)], state);
    const b = createRoundRobin(set, { random: () => 0 });
    expect(picks(b, 3, 1000)).toEqual([1, 2, 3]);
    set.hosts[1]!.stats.activeHealthy = false;
    set.hosts[2]!.stats.ejectedUntil = 5000;
    state.version++;
    expect(picks(b, 3, 1000)).toEqual([1, 1, 1]);
    // The ejection ends on its own when the clock passes it (no version bump needed).
    expect(new Set(picks(b, 4, 5000))).toEqual(new Set([1, 3]));
    set.hosts[1]!.stats.activeHealthy = true;
    state.version++;
    expect(new Set(picks(b, 3, 5000))).toEqual(new Set([1, 2, 3]));
  });
});

describe("chooseWeighted", () => {
  const split = [{ name: "v1", weight: 80 }, { name: "v2", weight: 20 }];
  it("maps the random draw onto cumulative weights", () => {
    expect(chooseWeighted(split, 100, () => 0).name).toBe("v1");
    expect(chooseWeighted(split, 100, () => 0.799).name).toBe("v1");
    expect(chooseWeighted(split, 100, () => 0.8).name).toBe("v2");
    expect(chooseWeighted(split, 100, () => 0.9999).name).toBe("v2");
  });
  it("distributes a uniform sequence in proportion to weights", () => {
    const counts = { v1: 0, v2: 0 } as Record<string, number>;
    for (let i = 0; i < 1000; i++) counts[chooseWeighted(split, 100, () => i / 1000).name]!++;
    expect(counts).toEqual({ v1: 800, v2: 200 });
  });
});
