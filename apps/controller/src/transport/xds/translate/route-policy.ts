// A route's policy -> the Envoy fields that carry it (docs/xds-support.md, "Routes"): RouteAction
// timeout, retry_policy, prefix_rewrite, request_mirror_policies and hash_policy; route-level header
// mutation; and per-route HTTP filter config for fault injection and the local rate limit.
import { IDEMPOTENT_METHODS, type FaultPolicy, type FaultTrigger, type HeaderMutation, type RetryPolicy, type RoutePolicy } from "@weft/contracts";
import { ExtensionName, TypeUrl } from "@weft/contracts/proto";
import type { HashOn } from "../../../domain/effective-policy";
import type { RouteSpec } from "../../../domain/snapshot";
import { duration, fractionalPercent, wrapped } from "./units";

/** Which client reads the route: generic clients (gRPC) get the rate limit marked optional. */
export type Flavor = "sidecar" | "generic";

export const RATE_LIMIT_STAT_PREFIX = "weft_local_rate_limit";

function toRetryPolicy(r: RetryPolicy): Record<string, unknown> {
  const retryOn = [...r.retryOn];
  if (r.statusCodes.length > 0 && !retryOn.includes("retriable-status-codes")) retryOn.push("retriable-status-codes");
  return {
    retry_on: retryOn.join(","),
    num_retries: wrapped(r.attempts),
    ...(r.perTryTimeoutMs !== undefined ? { per_try_timeout: duration(r.perTryTimeoutMs) } : {}),
    retry_back_off: { base_interval: duration(r.backoff.baseMs), max_interval: duration(r.backoff.maxMs) },
    ...(r.statusCodes.length > 0 ? { retriable_status_codes: r.statusCodes } : {}),
    // Only idempotent requests are retried unless the route says otherwise.
    ...(r.allowNonIdempotent
      ? {}
      : { retriable_request_headers: [{ name: ":method", string_match: { safe_regex: { regex: IDEMPOTENT_METHODS.join("|") } } }] }),
  };
}

function toHashPolicy(h: HashOn): Record<string, unknown> {
  if ("header" in h) return { header: { header_name: h.header } };
  return { cookie: { name: h.cookie.name, ttl: duration(h.cookie.ttlSeconds * 1000) } };
}

/** Fields of envoy.config.route.v3.RouteAction besides the cluster choice. */
export function toRouteActionPolicy(r: RouteSpec): Record<string, unknown> {
  const p = r.policy;
  return {
    ...(p.timeoutMs !== undefined ? { timeout: duration(p.timeoutMs) } : {}),
    ...(p.retries ? { retry_policy: toRetryPolicy(p.retries) } : {}),
    ...(p.rewrite ? { prefix_rewrite: p.rewrite.pathPrefix } : {}),
    ...(r.mirrorCluster && p.mirror
      ? { request_mirror_policies: [{ cluster: r.mirrorCluster, runtime_fraction: { default_value: fractionalPercent(p.mirror.percent) } }] }
      : {}),
    ...(r.hashOn ? { hash_policy: [toHashPolicy(r.hashOn)] } : {}),
  };
}

function toHeaderOptions(m: HeaderMutation | undefined): Array<Record<string, unknown>> {
  if (!m) return [];
  return [
    ...Object.entries(m.set ?? {}).map(([key, value]) => ({ header: { key, value }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" })),
    ...Object.entries(m.add ?? {}).map(([key, value]) => ({ header: { key, value }, append_action: "APPEND_IF_EXISTS_OR_ADD" })),
  ];
}

/** Fields of envoy.config.route.v3.Route that mutate request and response headers. */
export function toHeaderMutation(p: RoutePolicy): Record<string, unknown> {
  const h = p.headers;
  if (!h) return {};
  const out: Record<string, unknown> = {};
  const reqAdd = toHeaderOptions(h.request);
  const resAdd = toHeaderOptions(h.response);
  if (reqAdd.length) out.request_headers_to_add = reqAdd;
  if (h.request?.remove?.length) out.request_headers_to_remove = h.request.remove;
  if (resAdd.length) out.response_headers_to_add = resAdd;
  if (h.response?.remove?.length) out.response_headers_to_remove = h.response.remove;
  return out;
}

function toFaultHeaders(t: FaultTrigger | undefined): Array<Record<string, unknown>> {
  if (!t) return [];
  return [t.value === undefined ? { name: t.name, present_match: true } : { name: t.name, string_match: { exact: t.value } }];
}

export function toHttpFault(f: FaultPolicy): Record<string, unknown> {
  const trigger = f.delay?.whenHeader ?? f.abort?.whenHeader;
  return {
    "@type": TypeUrl.HTTPFault,
    ...(f.delay ? { delay: { fixed_delay: duration(f.delay.fixedMs), percentage: fractionalPercent(f.delay.percent) } } : {}),
    ...(f.abort ? { abort: { http_status: f.abort.status, percentage: fractionalPercent(f.abort.percent) } } : {}),
    ...(trigger ? { headers: toFaultHeaders(trigger) } : {}),
  };
}

export function toLocalRateLimit(rl: NonNullable<RoutePolicy["rateLimit"]>): Record<string, unknown> {
  const everyRequest = { default_value: fractionalPercent(100) };
  return {
    "@type": TypeUrl.LocalRateLimit,
    stat_prefix: RATE_LIMIT_STAT_PREFIX,
    token_bucket: { max_tokens: rl.burst ?? rl.requestsPerSecond, tokens_per_fill: wrapped(rl.requestsPerSecond), fill_interval: duration(1000) },
    filter_enabled: everyRequest,
    filter_enforced: everyRequest,
  };
}

/** `typed_per_filter_config` of a route: the fault and rate-limit settings of that route. */
export function toPerFilterConfig(p: RoutePolicy, flavor: Flavor): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  if (p.fault) out[ExtensionName.Fault] = toHttpFault(p.fault);
  if (p.rateLimit) {
    const config = toLocalRateLimit(p.rateLimit);
    // gRPC has no local rate limit filter: marked optional, it is skipped instead of NACKed.
    out[ExtensionName.LocalRateLimit] = flavor === "generic" ? { "@type": TypeUrl.FilterConfig, config, is_optional: true } : config;
  }
  return Object.keys(out).length ? out : undefined;
}
