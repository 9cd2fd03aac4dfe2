// Retries (route.retry_policy): an attempt whose outcome matches retry_on (5xx, gateway-error,
// connect-failure, reset, retriable-4xx, retriable-status-codes, gRPC codes from a trailers-only
// `grpc-status`) is sent again, up to num_retries, after a fully jittered exponential backoff on
// the injected clock; per_try_timeout bounds each attempt. Each attempt goes back through the
// circuit breaker and balancer (a fresh host). A retry also needs the cluster's retry budget and
// max_retries to allow it, else the failed answer stands. Requests not matching
// retriable_request_headers are not retried; bodies are replayed, with their trailers, from a
// 64 KiB buffer (larger: no retry).
import { Readable } from "node:stream";
import { ErrorCode } from "@weft/contracts";
import type { Clock } from "../core/clock";
import type { Layer, ProxyResponse } from "../core/layer";
import { isProxyError, ProxyError } from "../core/errors";
import type { RequestContext } from "../core/request-context";
import type { RetryPolicy } from "../core/traffic-policy";
import { headerMatches } from "../routing/route-match";
import { discardResponse, sleep, withDeadline } from "../resilience/deadline";
import { retryBackoffMs } from "../resilience/backoff";
import { attemptBody, bufferBody, type BufferedBody } from "../resilience/replay-buffer";

export function retriableResponse(res: ProxyResponse, p: RetryPolicy): boolean {
  const s = res.status;
  const on = p.retryOn;
  if (s >= 500 && on.has("5xx")) return true;
  if ((s === 502 || s === 503 || s === 504) && on.has("gateway-error")) return true;
  if (s === 409 && on.has("retriable-4xx")) return true;
  if (p.retriableStatusCodes.has(s) && on.has("retriable-status-codes")) return true;
  if (p.grpcCodes.size > 0) {
    const g = res.headers["grpc-status"];
    if (g !== undefined && p.grpcCodes.has(Number(g))) return true;
  }
  return false;
}

export function retriableError(err: unknown, p: RetryPolicy): boolean {
  if (!isProxyError(err)) return false;
  const on = p.retryOn;
  switch (err.code) {
    case ErrorCode.UpstreamConnectFailed:
      return on.has("connect-failure") || on.has("5xx") || on.has("gateway-error");
    case ErrorCode.UpstreamReset:
      return on.has("reset") || on.has("5xx");
    case ErrorCode.UpstreamTimeout: // a per-try timeout (the route timeout aborts the whole loop)
      return on.has("5xx") || on.has("gateway-error") || on.has("reset");
    default:
      return false;
  }
}

function matchesAny(ctx: RequestContext, p: RetryPolicy): boolean {
  const list = p.retriableRequestHeaders;
  for (let i = 0; i < list.length; i++) if (headerMatches(list[i]!, ctx)) return true;
  return false;
}

export function retryLayer(params: { clock: Clock; random: () => number }): Layer {
  const { clock, random } = params;
  return (next) => {
    function attempt(ctx: RequestContext, p: RetryPolicy): Promise<ProxyResponse> {
      if (p.perTryTimeoutMs === 0) return next(ctx);
      const parent = ctx.signal;
      return withDeadline(
        (signal) => {
          ctx.signal = signal;
          return next(ctx);
        },
        p.perTryTimeoutMs,
        clock,
        parent,
        () => {
          ctx.reason = "per_try_timeout";
          return new ProxyError(ErrorCode.UpstreamTimeout, `route "${ctx.route!.name}": no response from ${ctx.endpoint?.key ?? "?"} within ${p.perTryTimeoutMs} ms (per_try_timeout)`);
        },
      ).finally(() => {
        ctx.signal = parent;
      });
    }

    return function retryHandler(ctx: RequestContext): Promise<ProxyResponse> {
      // Every request to the cluster earns retry budget, retried or not.
      ctx.cluster!.state.budget.recordRequest(clock.now());
      const p = ctx.route!.policy.retry;
      if (p === undefined || p.numRetries === 0 || (p.retriableRequestHeaders.length > 0 && !matchesAny(ctx, p))) return next(ctx);
      return withRetries(ctx, p);
    };

    async function withRetries(ctx: RequestContext, p: RetryPolicy): Promise<ProxyResponse> {
      const cluster = ctx.cluster!;
      const state = cluster.state;
      let buffered: BufferedBody | undefined;
      if (ctx.hasBody) {
        const cl = ctx.headers["content-length"];
        const body = await bufferBody(ctx.downstream, cl === undefined ? undefined : Number(cl));
        if (body instanceof Readable) {
          ctx.requestBody = body;
          return attempt(ctx, p); // too large to replay: one attempt
        }
        buffered = body;
      }
      const policy = cluster.config.policy;
      for (let retry = 0; ; retry++) {
        let response: ProxyResponse | undefined;
        let error: unknown;
        // Every attempt sends the whole body (a Buffer is written, never consumed; trailers need a stream each time).
        if (buffered !== undefined) ctx.requestBody = attemptBody(buffered);
        try {
          response = await attempt(ctx, p);
        } catch (err) {
          error = err;
        } finally {
          if (retry > 0) state.breaker.retries--;
        }
        const again = response !== undefined ? retriableResponse(response, p) : retriableError(error, p);
        let stop = !again || retry >= p.numRetries || ctx.signal?.aborted === true;
        if (!stop && state.breaker.retries >= policy.limits.maxRetries) {
          ctx.reason = "retry_overflow";
          stop = true;
        }
        if (!stop && !state.budget.tryWithdraw(policy.retryBudget, clock.now())) {
          ctx.reason = "retry_budget_exhausted";
          stop = true;
        }
        if (stop) {
          if (response !== undefined) return response;
          throw error;
        }
        if (response !== undefined) discardResponse(response);
        state.breaker.retries++;
        ctx.reason = "retried";
        if (!(await sleep(clock, retryBackoffMs(retry + 1, p.backoffBaseMs, p.backoffMaxMs, random), ctx.signal))) {
          state.breaker.retries--;
          throw error ?? new ProxyError(ErrorCode.UpstreamTimeout, `route "${ctx.route!.name}": timed out between retries`);
        }
      }
    }
  };
}

