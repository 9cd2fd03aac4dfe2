// Passive health: feeds each attempt's outcome (status, or a connect failure / reset / timeout,
// counted as a gateway failure) to the cluster's outlier detection, which may eject the host. An
// attempt cancelled by a timeout, or failing because the client went away (or sent a malformed
// body) before its answer, says nothing about the host and is not counted.
import type { Clock } from "../core/clock";
import type { Layer, ProxyResponse } from "../core/layer";
import type { OutlierDetection } from "../core/traffic-policy";
import type { RequestContext } from "../core/request-context";
import { classifyStatus, recordOutcome } from "../health/outlier-detector";

export function outlierDetectionLayer(params: { clock: Clock; random: () => number }): Layer {
  const { clock, random } = params;
  return (next) => {
    async function observed(ctx: RequestContext, od: OutlierDetection): Promise<ProxyResponse> {
      const cluster = ctx.cluster!;
      const host = ctx.host!;
      let response;
      try {
        response = await next(ctx);
      } catch (err) {
        if (!ctx.signal?.aborted && !ctx.downstreamGone) recordOutcome(cluster.state, host.stats, "gateway_failure", od, clock.now(), random);
        throw err;
      }
      recordOutcome(cluster.state, host.stats, classifyStatus(response.status), od, clock.now(), random);
      return response;
    }
    return function outlierDetectionHandler(ctx: RequestContext) {
      const od = ctx.cluster!.config.policy.outlier;
      return od === undefined ? next(ctx) : observed(ctx, od);
    };
  };
}
