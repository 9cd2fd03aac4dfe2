// HTTP filters of a listener's HttpConnectionManager (fault and local_ratelimit before the router)
// and their per-route overrides (typed_per_filter_config), translated into FaultPolicy and
// RateLimitPolicy. The sidecar applies fault before local rate limiting, so a chain listing them
// the other way round is NACKed; any other filter is NACKed unless marked is_optional.
import { loadProtos, TypeUrl } from "@weft/contracts/proto";
import type { FaultPolicy, HttpFilters, RateLimitPolicy } from "../../core/traffic-policy";
import { durationMs, nack, NOT_YET, type HttpFilter, type TypedConfig } from "./wire";
import type { FractionalPercentWire, HttpFaultWire, LocalRateLimitWire, RuntimeFractionalPercentWire } from "./policy-wire";
import { toHeaderMatcher } from "./string-match";
import { toHeaderOps } from "./header-mutation";

export const FAULT_FILTER = "envoy.filters.http.fault";
export const RATE_LIMIT_FILTER = "envoy.filters.http.local_ratelimit";
const ROUTER_FILTER = "envoy.filters.http.router";
export const FAULT_TYPE = "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault";
export const RATE_LIMIT_TYPE = "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit";

const DENOMINATORS: Record<string, number> = { HUNDRED: 100, TEN_THOUSAND: 10_000, MILLION: 1_000_000 };

/** FractionalPercent -> share in [0, 1]; absent -> `fallback`. */
export function toFraction(fp: FractionalPercentWire | undefined, where: string, fallback: number): number {
  if (fp === undefined) return fallback;
  const denominator = DENOMINATORS[fp.denominator ?? "HUNDRED"];
  if (denominator === undefined) return nack(where, `denominator ${fp.denominator} is unknown`);
  return Math.min(1, (fp.numerator ?? 0) / denominator);
}

function runtimeFraction(r: RuntimeFractionalPercentWire | undefined, where: string, fallback: number): number {
  // No runtime layer in the sidecar: the default value is the value (runtime_key is ignored).
  return r === undefined ? fallback : toFraction(r.default_value, `${where}.default_value`, 0);
}

const typeOf = (tc: TypedConfig | undefined): string | undefined => tc?.["@type"] ?? (tc?.type_url as string | undefined);

export function toFaultPolicy(w: HttpFaultWire, where: string): FaultPolicy | undefined {
  const unsupported = (["upstream_cluster", "downstream_nodes", "max_active_faults", "response_rate_limit"] as const).find((f) => {
    const v = w[f];
    return v !== undefined && v !== "" && !(Array.isArray(v) && v.length === 0);
  });
  if (unsupported) nack(where, `${unsupported} ${NOT_YET}`);
  let delayMs = 0;
  let delayFraction = 0;
  if (w.delay !== undefined) {
    if (w.delay.header_delay) nack(`${where} delay`, `header_delay ${NOT_YET}; use fixed_delay`);
    const ms = durationMs(w.delay.fixed_delay, `${where} delay`, "fixed_delay");
    if (ms === undefined) nack(`${where} delay`, "fixed_delay is missing");
    delayMs = ms;
    delayFraction = toFraction(w.delay.percentage, `${where} delay.percentage`, 0);
  }
  let abortStatus: number | undefined;
  let abortFraction = 0;
  if (w.abort !== undefined) {
    if (w.abort.grpc_status !== undefined) nack(`${where} abort`, `grpc_status ${NOT_YET}; use http_status`);
    if (w.abort.header_abort) nack(`${where} abort`, `header_abort ${NOT_YET}; use http_status`);
    const status = w.abort.http_status;
    if (status === undefined || status < 200 || status >= 600) nack(`${where} abort`, `http_status ${status ?? "(missing)"} must be in [200, 600)`);
    abortStatus = status;
    abortFraction = toFraction(w.abort.percentage, `${where} abort.percentage`, 0);
  }
  const headers = (w.headers ?? []).map((h, i) => toHeaderMatcher(h, `${where} headers[${i}]`));
  if (w.delay === undefined && w.abort === undefined) return undefined;
  return { delayMs, delayFraction, abortStatus, abortFraction, headers };
}

function statusCode(code: string | number | undefined, where: string): number {
  if (code === undefined) return 429;
  if (typeof code === "number") return code;
  const n = loadProtos().root.lookupEnum("envoy.type.v3.StatusCode").values[code];
  if (n === undefined) return nack(where, `status.code ${code} is unknown`);
  return n;
}

export function toRateLimitPolicy(w: LocalRateLimitWire, where: string): RateLimitPolicy | undefined {
  if (!w.stat_prefix) nack(where, "stat_prefix is empty");
  if ((w.descriptors?.length ?? 0) > 0) nack(where, `descriptors ${NOT_YET}; use token_bucket`);
  if (w.local_rate_limit_per_downstream_connection) nack(where, `local_rate_limit_per_downstream_connection ${NOT_YET}`);
  if (w.enable_x_ratelimit_headers !== undefined && w.enable_x_ratelimit_headers !== "OFF") nack(where, `enable_x_ratelimit_headers ${NOT_YET}`);
  if ((w.request_headers_to_add_when_not_enforced?.length ?? 0) > 0) nack(where, `request_headers_to_add_when_not_enforced ${NOT_YET}`);
  if (w.rate_limited_as_resource_exhausted) nack(where, `rate_limited_as_resource_exhausted ${NOT_YET}`);
  const status = statusCode(w.status?.code, `${where} status`);
  if (status < 400 || status >= 600) nack(`${where} status`, `code ${status} must be a 4xx or 5xx`);
  const responseHeaders = toHeaderOps(w.response_headers_to_add, undefined, `${where} response_headers`);
  const tb = w.token_bucket;
  if (tb === undefined) return undefined; // Envoy: no bucket, no limit
  const maxTokens = tb.max_tokens ?? 0;
  if (maxTokens < 1) nack(`${where} token_bucket`, "max_tokens must be at least 1");
  const tokensPerFill = tb.tokens_per_fill === undefined ? 1 : (tb.tokens_per_fill.value ?? 0);
  if (tokensPerFill < 1) nack(`${where} token_bucket`, "tokens_per_fill must be at least 1");
  const fillIntervalMs = durationMs(tb.fill_interval, `${where} token_bucket`, "fill_interval");
  if (fillIntervalMs === undefined || fillIntervalMs < 50) nack(`${where} token_bucket`, "fill_interval must be at least 50ms");
  return {
    maxTokens,
    tokensPerFill,
    fillIntervalMs,
    enabledFraction: runtimeFraction(w.filter_enabled, `${where} filter_enabled`, 0),
    enforcedFraction: runtimeFraction(w.filter_enforced, `${where} filter_enforced`, 0),
    status,
    responseHeaders,
    bucket: { tokens: maxTokens, lastFillMs: -1 },
  };
}

/** The HCM's http_filters -> which policy filters are present, with their listener-wide config. */
export function toHttpFilters(filters: readonly HttpFilter[], where: string): HttpFilters {
  if (filters.length === 0) nack(where, `http_filters must end with ${ROUTER_FILTER}`);
  let fault: HttpFilters["fault"];
  let rateLimit: HttpFilters["rateLimit"];
  filters.forEach((f, i) => {
    const at = `${where} http_filters[${i}]`;
    const type = typeOf(f.typed_config);
    const isRouter = type === TypeUrl.Router || (f.typed_config === undefined && f.name === ROUTER_FILTER);
    const last = i === filters.length - 1;
    if (last) {
      if (!isRouter) nack(at, `the last http filter must be ${ROUTER_FILTER} (got ${type === undefined ? `${f.name ?? "(unnamed)"} with no typed_config @type` : (f.name ?? type)})`);
      return;
    }
    if ((f as { disabled?: boolean }).disabled) nack(at, `disabled ${NOT_YET}`);
    if (type === FAULT_TYPE) {
      if (fault !== undefined) nack(at, `${FAULT_FILTER} appears twice`);
      if (rateLimit !== undefined) nack(at, `${FAULT_FILTER} must come before ${RATE_LIMIT_FILTER} (the sidecar applies them in that order)`);
      fault = { config: toFaultPolicy(f.typed_config as HttpFaultWire, at) };
    } else if (type === RATE_LIMIT_TYPE) {
      if (rateLimit !== undefined) nack(at, `${RATE_LIMIT_FILTER} appears twice`);
      rateLimit = { config: toRateLimitPolicy(f.typed_config as LocalRateLimitWire, at) };
    } else if (!f.is_optional) {
      nack(at, `http filter ${f.name ?? type ?? "(unnamed)"} ${NOT_YET} (only ${FAULT_FILTER}, ${RATE_LIMIT_FILTER}, ${ROUTER_FILTER})`);
    }
  });
  return { fault, rateLimit };
}

/** typed_per_filter_config of a route: the fault / rate limit overrides it carries. */
export function toPerFilterConfig(
  perFilter: Record<string, TypedConfig> | undefined,
  where: string,
): { fault: FaultPolicy | undefined; rateLimit: RateLimitPolicy | undefined } {
  let fault: FaultPolicy | undefined;
  let rateLimit: RateLimitPolicy | undefined;
  for (const [name, config] of Object.entries(perFilter ?? {})) {
    const at = `${where} typed_per_filter_config["${name}"]`;
    const type = typeOf(config);
    if (type === FAULT_TYPE) fault = toFaultPolicy(config as HttpFaultWire, at);
    else if (type === RATE_LIMIT_TYPE) rateLimit = toRateLimitPolicy(config as LocalRateLimitWire, at);
    else nack(at, `${type ?? "(no @type)"} ${NOT_YET} (only HTTPFault and LocalRateLimit)`);
  }
  return { fault, rateLimit };
}
