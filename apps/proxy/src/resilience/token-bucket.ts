// Local rate limiting (envoy.filters.http.local_ratelimit): a token bucket refilled with
// tokens_per_fill every fill_interval, in whole intervals counted on the injected clock (no timers).
import type { RateLimitPolicy } from "../core/traffic-policy";

/** Takes one token; returns 0 when granted, else ms until the next refill (for `retry-after`). */
export function takeToken(policy: RateLimitPolicy, nowMs: number): number {
  const bucket = policy.bucket;
  if (bucket.lastFillMs < 0) {
    bucket.lastFillMs = nowMs;
  } else {
    const intervals = Math.floor((nowMs - bucket.lastFillMs) / policy.fillIntervalMs);
    if (intervals > 0) {
      bucket.tokens = Math.min(policy.maxTokens, bucket.tokens + intervals * policy.tokensPerFill);
      bucket.lastFillMs += intervals * policy.fillIntervalMs;
    }
  }
  if (bucket.tokens >= 1) {
    bucket.tokens--;
    return 0;
  }
  return bucket.lastFillMs + policy.fillIntervalMs - nowMs;
}
