// Least request, power of two choices (Envoy LEAST_REQUEST, choice_count 2): draw `choiceCount`
// distinct hosts at random and take the one with the fewest outstanding requests per unit of
// weight. O(1) per pick, no global scan, and no herding onto one idle host.
import type { Balancer } from "../core/runtime-config";
import type { Host, HostSet } from "./host";
import { drawTwo } from "./p2c";

export function createLeastRequest(set: HostSet, options: { random: () => number; choiceCount: number }): Balancer {
  const { random, choiceCount } = options;
  const load = (h: Host) => (h.stats.outstanding + 1) / h.weight;
  return {
    pick(nowMs = 0) {
      const hosts = set.available(nowMs);
      const n = hosts.length;
      if (n <= 1) return hosts[0];
      if (choiceCount <= 2) {
        const [a, b] = drawTwo(hosts, random);
        return load(b) < load(a) ? b : a;
      }
      let best = hosts[Math.floor(random() * n)]!;
      for (let c = 1; c < choiceCount; c++) {
        const h = hosts[Math.floor(random() * n)]!;
        if (load(h) < load(best)) best = h;
      }
      return best;
    },
  };
}
