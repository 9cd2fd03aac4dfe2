// Local rate limiting (envoy.filters.http.local_ratelimit): one token bucket per route (its
// typed_per_filter_config) or per listener (the filter's own config); over the limit the request
// gets 429 WEFT_RATE_LIMITED with `retry-after` (seconds until the next refill). filter_enabled
// and filter_enforced select the share of requests checked and, of those, rejected (shadow mode).
import { ErrorCode } from "@weft/contracts";
import type { Clock } from "../core/clock";
import type { Layer } from "../core/layer";
import { localReply } from "../core/local-reply";
import { takeToken } from "../resilience/token-bucket";
import { applyHeaderOps } from "./header-mutation";

export interface RateLimitLayerParams {
  clock: Clock;
  random: () => number;
}

export function rateLimitLayer(params: RateLimitLayerParams): Layer {
  const { clock, random } = params;
  return (next) =>
    function rateLimitHandler(ctx) {
      const filter = ctx.config[ctx.direction]?.httpFilters?.rateLimit;
      if (filter === undefined) return next(ctx);
      const limit = ctx.route!.policy.rateLimit ?? filter.config;
      if (limit === undefined) return next(ctx);
      if (limit.enabledFraction < 1 && random() >= limit.enabledFraction) return next(ctx);
      const waitMs = takeToken(limit, clock.now());
      if (waitMs === 0 || (limit.enforcedFraction < 1 && random() >= limit.enforcedFraction)) return next(ctx);
      ctx.reason = "rate_limited";
      const reply = localReply(ctx, ErrorCode.RateLimited, `local rate limit of route "${ctx.route!.name}" exceeded; retry later`, limit.status);
      reply.headers["retry-after"] = String(Math.max(1, Math.ceil(waitMs / 1000)));
      if (limit.responseHeaders.length > 0) applyHeaderOps(reply.headers, limit.responseHeaders);
      return Promise.resolve(reply);
    };
}
