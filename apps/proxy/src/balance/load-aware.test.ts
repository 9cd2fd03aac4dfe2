import { describe, expect, it } from "vitest";
import type { Endpoint } from "../core/runtime-config";
import { ClusterState } from "./cluster-state";
import { createHostSet, type Host } from "./host";
import { createLeastRequest } from "./least-request";
import { createPeakEwma, currentEstimate, DEFAULT_RTT_MS, observeLatency } from "./peak-ewma";
import { createRingHash, hash32 } from "./ring-hash";

const ep = (port: number, weight = 1): Endpoint => ({ address: "127.0.0.1", port, weight, health: "healthy", key: `127.0.0.1:${port}` });
function setOf(...endpoints: Endpoint[]) {
  const state = new ClusterState();
  return createHostSet(state.hostsFor(endpoints), state);
}
/** A random source that replays `values` in a loop. */
const seq = (...values: number[]) => {
  let i = 0;
  return () => values[i++ % values.length]!;
};

describe("least request (P2C)", () => {
  it("of the two hosts drawn, takes the one with fewer outstanding requests", () => {
    const set = setOf(ep(1), ep(2), ep(3));
    const [a, b, c] = set.hosts as Host[];
    a!.stats.outstanding = 5;
    b!.stats.outstanding = 1;
    c!.stats.outstanding = 0;
    // Draws: i = floor(0.1*3) = 0 (a), j = floor(0.6*2) = 1 -> skips a -> 2 (c)
    expect(createLeastRequest(set, { random: seq(0.1, 0.6), choiceCount: 2 }).pick()!.port).toBe(3);
    // Draws a and b: b has fewer.
    expect(createLeastRequest(set, { random: seq(0.1, 0.1), choiceCount: 2 }).pick()!.port).toBe(2);
  });

  it("spreads a uniform random stream over idle hosts", () => {
    const set = setOf(ep(1), ep(2), ep(3), ep(4));
    const lr = createLeastRequest(set, { random: seq(...Array.from({ length: 97 }, (_, i) => (i * 37 % 97) / 97)), choiceCount: 2 });
    const counts = new Map<number, number>();
    for (let i = 0; i < 400; i++) {
      const port = lr.pick()!.port;
      counts.set(port, (counts.get(port) ?? 0) + 1);
    }
    for (const port of [1, 2, 3, 4]) expect(counts.get(port)).toBeGreaterThan(50);
  });
});

describe("peak EWMA", () => {
  it("jumps to a slower sample at once and decays toward faster ones with the configured time constant", () => {
    const s = setOf(ep(1)).hosts[0]!.stats;
    expect(currentEstimate(s, 0, 10_000)).toBe(DEFAULT_RTT_MS);
    observeLatency(s, 100, 1_000, 10_000);
    expect(s.ewmaMs).toBe(100);
    observeLatency(s, 300, 2_000, 10_000); // peak
    expect(s.ewmaMs).toBe(300);
    observeLatency(s, 10, 12_000, 10_000); // 10 s later: weight e^-1 on the old value
    expect(s.ewmaMs).toBeCloseTo(300 * Math.exp(-1) + 10 * (1 - Math.exp(-1)), 6);
    // With a shorter decay the same sample pulls the estimate further down.
    const fast = setOf(ep(2)).hosts[0]!.stats;
    observeLatency(fast, 300, 2_000, 1_000);
    observeLatency(fast, 10, 12_000, 1_000);
    expect(fast.ewmaMs).toBeLessThan(11);
    // Unanswered for a while, the estimate decays toward 0 (the host gets tried again).
    expect(currentEstimate(s, 12_000 + 20_000, 10_000)).toBeCloseTo(s.ewmaMs * Math.exp(-2), 6);
  });

  it("prefers the host whose latency x (outstanding + 1) is lower", () => {
    const set = setOf(ep(1), ep(2));
    const [slow, fast] = set.hosts as Host[];
    observeLatency(slow!.stats, 200, 0, 10_000);
    observeLatency(fast!.stats, 20, 0, 10_000);
    const b = createPeakEwma(set, { random: seq(0, 0), decayMs: 10_000 });
    expect(b.pick(0)!.port).toBe(2);
    fast!.stats.outstanding = 20; // 20 x 21 = 420 > 200 x 1
    expect(b.pick(0)!.port).toBe(1);
  });

  it("sends most traffic to the fast host over a simulated run on a fake clock", () => {
    const set = setOf(ep(1), ep(2), ep(3));
    const latency: Record<number, number> = { 1: 5, 2: 5, 3: 200 };
    const b = createPeakEwma(set, { random: seq(...Array.from({ length: 101 }, (_, i) => (i * 43 % 101) / 101)), decayMs: 10_000 });
    const counts: Record<number, number> = { 1: 0, 2: 0, 3: 0 };
    let now = 0;
    for (let i = 0; i < 600; i++) {
      const h = b.pick(now) as Host;
      counts[h.port]!++;
      now += 10;
      observeLatency(h.stats, latency[h.port]!, now, 10_000);
    }
    expect(counts[3]).toBeLessThan(60);
    expect(counts[1]! + counts[2]!).toBeGreaterThan(540);
  });
});

describe("ring hash", () => {
  const opts = { random: () => 0.5, minRingSize: 1024, maxRingSize: 8_388_608 };
  it("sends the same key to the same host, and spreads keys by weight", () => {
    const set = setOf(ep(1), ep(2, 2), ep(3));
    const ring = createRingHash(set, opts);
    const counts: Record<number, number> = { 1: 0, 2: 0, 3: 0 };
    for (let i = 0; i < 4000; i++) {
      const h = hash32(`user-${i}`);
      const port = ring.pick(0, h)!.port;
      expect(ring.pick(0, h)!.port).toBe(port);
      counts[port]!++;
    }
    expect(counts[2]! / 4000).toBeGreaterThan(0.4);
    expect(counts[2]! / 4000).toBeLessThan(0.6);
    expect(counts[1]! / 4000).toBeGreaterThan(0.17);
  });

  it("moves only the keys of a host that becomes unavailable", () => {
    const state = new ClusterState();
    const set = createHostSet(state.hostsFor([ep(1), ep(2), ep(3)]), state);
    const ring = createRingHash(set, opts);
    const before = Array.from({ length: 500 }, (_, i) => ring.pick(0, hash32(`k${i}`))!.port);
    set.hosts[2]!.stats.ejectedUntil = 10;
    const after = Array.from({ length: 500 }, (_, i) => ring.pick(0, hash32(`k${i}`))!.port);
    before.forEach((port, i) => {
      if (port !== 3) expect(after[i]).toBe(port);
      else expect(after[i]).not.toBe(3);
    });
  });
});
