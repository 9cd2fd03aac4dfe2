// Circuit breaking per cluster: each upstream attempt takes a slot; at max_requests concurrent
// attempts the request is refused (503 WEFT_CIRCUIT_OPEN, reason circuit_open); at
// max_connections it waits for a slot in a queue of at most max_pending_requests (beyond:
// 503, reason pending_overflow). A slot is held until response headers arrive.
import { ErrorCode } from "@weft/contracts";
import type { Layer } from "../core/layer";
import { ProxyError } from "../core/errors";
import type { RequestContext } from "../core/request-context";

export function circuitBreakerLayer(): Layer {
  return (next) =>
    async function circuitBreakerHandler(ctx: RequestContext) {
      const cluster = ctx.cluster!;
      const limits = cluster.config.policy.limits;
      const breaker = cluster.state.breaker;
      const admit = breaker.tryAdmit(limits);
      if (admit === "max_requests") {
        ctx.reason = "circuit_open";
        throw new ProxyError(ErrorCode.CircuitOpen, `cluster "${cluster.config.name}" is at max_requests (${limits.maxRequests} concurrent requests); circuit open`);
      }
      if (admit === "pending_overflow") {
        ctx.reason = "pending_overflow";
        throw new ProxyError(
          ErrorCode.CircuitOpen,
          `cluster "${cluster.config.name}" is at max_connections (${limits.maxConnections}) with ${limits.maxPendingRequests} requests already waiting (max_pending_requests); circuit open`,
        );
      }
      if (admit === "queued") {
        await breaker.wait(ctx.signal, () => new ProxyError(ErrorCode.UpstreamTimeout, `cluster "${cluster.config.name}": gave up waiting for a connection slot`));
      }
      try {
        return await next(ctx);
      } finally {
        breaker.release(limits);
      }
    };
}
