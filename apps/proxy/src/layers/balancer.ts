// Endpoint choice: asks the cluster's balancer (round robin over healthy endpoints) for one endpoint.
// Sits below any future retry layer so each attempt may pick a different endpoint.
import { ErrorCode } from "@weft/contracts";
import type { Layer } from "../core/layer";
import { ProxyError } from "../core/errors";

export function balancerLayer(): Layer {
  return (next) =>
    function balancerHandler(ctx) {
      const cluster = ctx.cluster;
      if (cluster === undefined) throw new ProxyError(ErrorCode.Internal, "balancer ran before cluster pick (layer stack misassembled)");
      const endpoint = cluster.balancer.pick();
      if (endpoint === undefined) {
        throw new ProxyError(
          ErrorCode.NoHealthyEndpoint,
          `cluster "${cluster.config.name}" has no healthy endpoint (${cluster.endpoints.length} known, ${cluster.healthyCount} healthy)`,
        );
      }
      ctx.endpoint = endpoint;
      if (ctx.direction === "outbound") {
        const destination = cluster.destinationOf.get(endpoint.key);
        if (destination !== undefined) ctx.destination = destination;
      }
      return next(ctx);
    };
}
