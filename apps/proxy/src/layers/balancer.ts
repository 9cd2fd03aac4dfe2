// Endpoint choice: the cluster's balancer (round robin, least request, peak EWMA, ring hash) picks
// an available host; the host's outstanding count and latency estimate (time to response headers,
// on the injected clock) feed the load-aware balancers. Sits below the retry layer so each attempt
// picks again.
import { ErrorCode } from "@weft/contracts";
import type { Clock } from "../core/clock";
import type { Layer } from "../core/layer";
import { ProxyError } from "../core/errors";
import type { Host } from "../balance/host";
import { observeLatency } from "../balance/peak-ewma";
import { systemClock } from "../core/clock";

export function balancerLayer(params: { clock?: Clock } = {}): Layer {
  const clock = params.clock ?? systemClock;
  return (next) =>
    async function balancerHandler(ctx) {
      const cluster = ctx.cluster;
      if (cluster === undefined) throw new ProxyError(ErrorCode.Internal, "balancer ran before cluster pick (layer stack misassembled)");
      const started = clock.now();
      const host = cluster.balancer.pick(started, ctx.hash) as Host | undefined;
      if (host === undefined) {
        ctx.reason = "no_healthy_endpoint";
        const available = cluster.hostSet.available(started).length;
        throw new ProxyError(
          ErrorCode.NoHealthyEndpoint,
          `cluster "${cluster.config.name}" has no healthy endpoint (${cluster.endpoints.length} known, ${cluster.healthyCount} healthy` +
            (available < cluster.healthyCount ? `, ${cluster.healthyCount - available} failing health checks or ejected)` : ")"),
        );
      }
      ctx.endpoint = host;
      ctx.host = host;
      ctx.attempts++;
      if (ctx.direction === "outbound") {
        const destination = cluster.destinationOf.get(host.key);
        if (destination !== undefined) ctx.destination = destination;
      }
      const stats = host.stats;
      stats.outstanding++;
      try {
        const response = await next(ctx);
        const now = clock.now();
        observeLatency(stats, now - started, now, cluster.config.policy.ewmaDecayMs);
        return response;
      } finally {
        stats.outstanding--;
      }
    };
}
