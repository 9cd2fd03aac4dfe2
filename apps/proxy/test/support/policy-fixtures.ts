// Envoy-shaped traffic-policy fragments (as the controller writes them, docs/xds-support.md) for
// tests: HTTP filters, per-route filter configs, retry policies, cluster policies.
import { jsonToStruct, TypeUrl } from "@weft/contracts/proto";

export const FAULT_TYPE = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";
export const RATE_LIMIT_TYPE = "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";

export const routerFilter = { name: "envoy.filters.http.router", typed_config: { "@type": TypeUrl.Router } };
export const faultFilter = (config: Record<string, unknown> = {}) => ({ name: "envoy.filters.http.fault", typed_config: { "@type": FAULT_TYPE, ...config } });
export const rateLimitFilter = (config: Record<string, unknown> = { stat_prefix: "http_local_rate_limiter" }) => ({
  name: "envoy.filters.http.local_ratelimit",
  typed_config: { "@type": RATE_LIMIT_TYPE, ...config },
});
/** The filter chain the controller writes: fault, local rate limit, router. */
export const policyFilters = () => [faultFilter(), rateLimitFilter(), routerFilter];

const percent = (n: number) => ({ numerator: n, denominator: "HUNDRED" });

export function faultConfig(f: { delayMs?: number; delayPercent?: number; abortStatus?: number; abortPercent?: number; header?: string }): Record<string, unknown> {
  return {
    "@type": FAULT_TYPE,
    ...(f.delayMs !== undefined ? { delay: { fixed_delay: { seconds: Math.floor(f.delayMs / 1000), nanos: (f.delayMs % 1000) * 1e6 }, percentage: percent(f.delayPercent ?? 100) } } : {}),
    ...(f.abortStatus !== undefined ? { abort: { http_status: f.abortStatus, percentage: percent(f.abortPercent ?? 100) } } : {}),
    ...(f.header ? { headers: [{ name: f.header, present_match: true }] } : {}),
  };
}

export function rateLimitConfig(maxTokens: number, fillIntervalMs: number, tokensPerFill = 1): Record<string, unknown> {
  return {
    "@type": RATE_LIMIT_TYPE,
    stat_prefix: "route_rate_limit",
    token_bucket: { max_tokens: maxTokens, tokens_per_fill: { value: tokensPerFill }, fill_interval: { seconds: Math.floor(fillIntervalMs / 1000), nanos: (fillIntervalMs % 1000) * 1e6 } },
    filter_enabled: { default_value: percent(100) },
    filter_enforced: { default_value: percent(100) },
  };
}

export const ms = (n: number) => ({ seconds: Math.floor(n / 1000), nanos: (n % 1000) * 1e6 });

export const IDEMPOTENT_ONLY = [{ name: ":method", string_match: { safe_regex: { regex: "GET|HEAD|OPTIONS|PUT|DELETE" } } }];

export function peakEwmaPolicy(decayMs?: number): Record<string, unknown> {
  return {
    load_balancing_policy: {
      policies: [
        {
          typed_extension_config: {
            name: "weft.lb.peak_ewma",
            typed_config: { "@type": "type.googleapis.com/xds.type.v3.TypedStruct", type_url: "type.weft.io/weft.lb.v1.PeakEwma", value: jsonToStruct(decayMs === undefined ? {} : { decay_ms: decayMs }) },
          },
        },
        {
          typed_extension_config: {
            name: "envoy.load_balancing_policies.least_request",
            typed_config: { "@type": "type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest" },
          },
        },
      ],
    },
  };
}
