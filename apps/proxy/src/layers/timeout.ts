// Route timeout (route.timeout; Envoy default 15 s, 0 = none): the upstream must answer with
// response headers within it, retries and backoff included, else 504 WEFT_UPSTREAM_TIMEOUT and
// the attempt is cancelled. The response body then streams without this deadline (long downloads
// and streams are not cut; Envoy would also bound the body). Timers on the injected clock.
import { ErrorCode } from "@weft/contracts";
import type { Clock } from "../core/clock";
import type { Layer } from "../core/layer";
import { ProxyError } from "../core/errors";
import type { RequestContext } from "../core/request-context";
import { withDeadline } from "../resilience/deadline";

export function timeoutLayer(params: { clock: Clock }): Layer {
  const clock = params.clock;
  return (next) =>
    function timeoutHandler(ctx: RequestContext) {
      const ms = ctx.route!.policy.timeoutMs;
      if (ms === 0) return next(ctx);
      return withDeadline(
        (signal) => {
          ctx.signal = signal;
          return next(ctx);
        },
        ms,
        clock,
        undefined,
        () => {
          ctx.reason = "upstream_timeout";
          return new ProxyError(ErrorCode.UpstreamTimeout, `route "${ctx.route!.name}": no response from cluster "${ctx.cluster?.config.name ?? "?"}" within ${ms} ms (route timeout)`);
        },
      );
    };
}
