// Consistent hashing (Envoy RING_HASH): each host owns points on a 32-bit ring in proportion to
// its weight (ring size between minimum and maximum_ring_size); a request's hash goes to the
// first point at or after it, skipping hosts that are unavailable (checks, ejection). Without a
// hash (no hash policy produced one) a random point is used. The hash function is Weft's own
// (FNV-1a + murmur3 finaliser): consistent across Weft sidecars, not with Envoy's xxHash.
import type { Balancer } from "../core/runtime-config";
import type { HostSet } from "./host";
import { isServing } from "./endpoint-set";

export function hash32(input: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < input.length; i++) {
    h ^= input.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function createRingHash(set: HostSet, options: { random: () => number; minRingSize: number; maxRingSize: number }): Balancer {
  const hosts = set.hosts.filter(isServing);
  const totalWeight = hosts.reduce((a, h) => a + h.weight, 0);
  const points: Array<{ at: number; host: number }> = [];
  if (hosts.length > 0) {
    const minShare = Math.min(...hosts.map((h) => h.weight / totalWeight));
    const scale = Math.min(Math.ceil(minShare * options.minRingSize) / minShare, options.maxRingSize);
    hosts.forEach((h, index) => {
      const count = Math.max(1, Math.round((h.weight / totalWeight) * scale));
      for (let i = 0; i < count; i++) points.push({ at: hash32(`${h.key}_${i}`), host: index });
    });
    points.sort((a, b) => a.at - b.at);
  }
  const at = Uint32Array.from(points, (p) => p.at);
  const owner = Uint32Array.from(points, (p) => p.host);
  return {
    pick(nowMs = 0, hash) {
      const n = at.length;
      if (n === 0) return undefined;
      const h = hash === undefined || hash < 0 ? Math.floor(options.random() * 0x100000000) : hash >>> 0;
      // First point >= h (wrapping to 0).
      let lo = 0;
      let hi = n;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (at[mid]! < h) lo = mid + 1;
        else hi = mid;
      }
      for (let k = 0; k < n; k++) {
        const host = hosts[owner[(lo + k) % n]!]!;
        if (host.stats.activeHealthy && host.stats.ejectedUntil <= nowMs) return host;
      }
      return undefined;
    },
  };
}
