// Concrete routing: the route's backend (a cluster, or a weighted split of clusters, e.g. 80/20
// between versions) -> the Cluster object of the current snapshot.
import { ErrorCode } from "@weft/contracts";
import type { Layer } from "../core/layer";
import { ProxyError } from "../core/errors";
import { chooseWeighted } from "../balance/weighted-choice";

export interface ClusterPickParams {
  /** Uniform random in [0, 1); injectable for deterministic tests. */
  random?: () => number;
}

export function clusterPickLayer(params: ClusterPickParams = {}): Layer {
  const random = params.random ?? Math.random;
  return (next) =>
    function clusterPickHandler(ctx) {
      const route = ctx.route;
      if (route === undefined) throw new ProxyError(ErrorCode.Internal, "cluster pick ran before routing (layer stack misassembled)");
      const chosen = chooseWeighted(route.clusters, route.totalWeight, random);
      const cluster = ctx.config.clusters.get(chosen.name);
      if (cluster === undefined) {
        throw new ProxyError(
          ErrorCode.ClusterNotFound,
          `route "${route.name}" of "${ctx.virtualHost?.name ?? "?"}" sends to cluster "${chosen.name}", which this sidecar has not received from the controller`,
        );
      }
      ctx.cluster = cluster;
      if (ctx.direction === "outbound" && cluster.destination !== undefined) ctx.destination = cluster.destination;
      return next(ctx);
    };
}
