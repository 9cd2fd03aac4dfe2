// Weighted round robin over a fixed endpoint list. Equal weights: a plain rotating index, O(1).
// Unequal weights: nginx's smooth weighted round robin (5:1:1 -> a a b a c a a), O(n) per pick,
// which spreads heavy endpoints out instead of bursting them.
import type { Balancer, Endpoint } from "../core/runtime-config";

export interface RoundRobinOptions {
  /** Start position in [0, 1), so sidecars do not all hit the first endpoint together. */
  random?: () => number;
}

export function createRoundRobin(endpoints: readonly Endpoint[], options: RoundRobinOptions = {}): Balancer {
  const n = endpoints.length;
  if (n === 0) return { pick: () => undefined };
  const start = Math.floor((options.random ?? Math.random)() * n) % n;
  const uniform = endpoints.every((e) => e.weight === endpoints[0]!.weight);
  if (uniform) {
    let next = start;
    return {
      pick() {
        const e = endpoints[next]!;
        next = next + 1 === n ? 0 : next + 1;
        return e;
      },
    };
  }
  const weights = endpoints.map((e) => e.weight);
  const total = weights.reduce((a, b) => a + b, 0);
  const current = new Float64Array(n);
  return {
    pick() {
      let best = 0;
      for (let i = 0; i < n; i++) {
        current[i]! += weights[i]!;
        if (current[i]! > current[best]!) best = i;
      }
      current[best]! -= total;
      return endpoints[best];
    },
  };
}
