// Weighted round robin over a cluster's available hosts. Equal weights: a plain rotating index,
// O(1). Unequal weights: nginx's smooth weighted round robin (5:1:1 -> a a b a c a a), O(n) per
// pick, which spreads heavy hosts out instead of bursting them. When the available set changes
// (health check, ejection) the rotation continues over the new set.
import type { Balancer } from "../core/runtime-config";
import type { Host, HostSet } from "./host";

export interface RoundRobinOptions {
  /** Start position in [0, 1), so sidecars do not all hit the first host together. */
  random?: () => number;
}

export function createRoundRobin(set: HostSet, options: RoundRobinOptions = {}): Balancer {
  const random = options.random ?? Math.random;
  let list: readonly Host[] | undefined;
  let uniform = true;
  let next = 0;
  let total = 0;
  let current = new Float64Array(0);

  function rebuild(hosts: readonly Host[]): void {
    const first = list === undefined;
    list = hosts;
    const n = hosts.length;
    uniform = hosts.every((h) => h.weight === hosts[0]!.weight);
    next = n === 0 ? 0 : first ? Math.floor(random() * n) % n : next % n;
    total = hosts.reduce((a, h) => a + h.weight, 0);
    current = new Float64Array(n);
  }

  return {
    pick(nowMs = 0) {
      const hosts = set.available(nowMs);
      if (hosts !== list) rebuild(hosts);
      const n = hosts.length;
      if (n === 0) return undefined;
      if (uniform) {
        const h = hosts[next]!;
        next = next + 1 === n ? 0 : next + 1;
        return h;
      }
      let best = 0;
      for (let i = 0; i < n; i++) {
        current[i]! += hosts[i]!.weight;
        if (current[i]! > current[best]!) best = i;
      }
      current[best]! -= total;
      return hosts[best];
    },
  };
}
