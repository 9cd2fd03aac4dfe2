// Picks one backend of a weighted split (route -> cluster), e.g. 80/20 between two versions.
// Independent random draws per request: splits hold over many requests, not within a window.
import type { WeightedCluster } from "../core/runtime-config";

export function chooseWeighted(clusters: readonly WeightedCluster[], totalWeight: number, random: () => number): WeightedCluster {
  if (clusters.length === 1) return clusters[0]!;
  let point = random() * totalWeight;
  for (let i = 0; i < clusters.length; i++) {
    const c = clusters[i]!;
    if (point < c.weight) return c;
    point -= c.weight;
  }
  return clusters[clusters.length - 1]!;
}
