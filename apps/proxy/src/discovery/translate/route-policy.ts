// A route's policy from its RouteAction and the levels around it: timeout, retry_policy,
// request_mirror_policies, hash_policy, prefix_rewrite, header mutation (route, virtual host,
// route configuration) and the fault / local rate limit overrides in typed_per_filter_config.
import type { HeaderOp, HashPolicy, MirrorPolicy, RetryCondition, RetryPolicy, RoutePolicy } from "../../core/traffic-policy";
import { durationMs, firstSet, nack, NOT_YET, type TypedConfig } from "./wire";
import type { HeaderMutationWire, RetryPolicyWire, RouteActionPolicyWire } from "./policy-wire";
import { toHeaderMatcher } from "./string-match";
import { toHeaderOps } from "./header-mutation";
import { toFraction, toPerFilterConfig } from "./http-filters";

/** Envoy's default route timeout. */
export const DEFAULT_ROUTE_TIMEOUT_MS = 15_000;
/** Envoy's default retry backoff base interval (max defaults to 10x). */
export const DEFAULT_RETRY_BASE_MS = 25;

const GRPC_CODES: Partial<Record<RetryCondition, number>> = {
  cancelled: 1,
  "deadline-exceeded": 4,
  "resource-exhausted": 8,
  internal: 13,
  unavailable: 14,
};
const RETRY_ON = new Set<string>([
  "5xx", "gateway-error", "connect-failure", "reset", "retriable-4xx", "retriable-status-codes",
  "cancelled", "deadline-exceeded", "resource-exhausted", "unavailable", "internal",
]);

export function toRetryPolicy(w: RetryPolicyWire, where: string): RetryPolicy {
  const unsupported = firstSet(w, [
    "per_try_idle_timeout", "retry_priority", "retry_host_predicate", "retry_options_predicates", "rate_limited_retry_back_off", "retriable_headers",
  ]);
  if (unsupported) nack(where, `${unsupported} ${NOT_YET}`);
  if (w.host_selection_retry_max_attempts !== undefined && Number(w.host_selection_retry_max_attempts) !== 0) nack(where, `host_selection_retry_max_attempts ${NOT_YET}`);
  const retryOn = new Set<RetryCondition>();
  const grpcCodes = new Set<number>();
  for (const token of (w.retry_on ?? "").split(",")) {
    const t = token.trim();
    if (t === "") continue;
    if (!RETRY_ON.has(t)) nack(`${where} retry_on`, `"${t}" ${NOT_YET} (supported: ${[...RETRY_ON].join(", ")})`);
    retryOn.add(t as RetryCondition);
    const code = GRPC_CODES[t as RetryCondition];
    if (code !== undefined) grpcCodes.add(code);
  }
  const numRetries = w.num_retries === undefined ? 1 : (w.num_retries.value ?? 0);
  const perTryTimeoutMs = durationMs(w.per_try_timeout, where, "per_try_timeout") ?? 0;
  let backoffBaseMs = DEFAULT_RETRY_BASE_MS;
  let backoffMaxMs = DEFAULT_RETRY_BASE_MS * 10;
  if (w.retry_back_off !== undefined) {
    const base = durationMs(w.retry_back_off.base_interval, `${where} retry_back_off`, "base_interval");
    if (base === undefined || base <= 0) nack(`${where} retry_back_off`, "base_interval must be positive");
    backoffBaseMs = base;
    backoffMaxMs = durationMs(w.retry_back_off.max_interval, `${where} retry_back_off`, "max_interval") ?? base * 10;
    if (backoffMaxMs < base) nack(`${where} retry_back_off`, `max_interval (${backoffMaxMs}ms) is below base_interval (${base}ms)`);
  }
  const retriableStatusCodes = new Set<number>();
  (w.retriable_status_codes ?? []).forEach((code, i) => {
    if (!Number.isInteger(code) || code < 100 || code > 599) nack(`${where} retriable_status_codes[${i}]`, `${code} is not an HTTP status`);
    retriableStatusCodes.add(code);
  });
  const retriableRequestHeaders = (w.retriable_request_headers ?? []).map((h, i) => toHeaderMatcher(h, `${where} retriable_request_headers[${i}]`));
  return { retryOn, grpcCodes, numRetries, perTryTimeoutMs, backoffBaseMs, backoffMaxMs, retriableStatusCodes, retriableRequestHeaders };
}

function toHashPolicies(list: RouteActionPolicyWire["hash_policy"], where: string): HashPolicy[] {
  return (list ?? []).map((h, i) => {
    const at = `${where} hash_policy[${i}]`;
    const other = firstSet(h, ["connection_properties", "query_parameter", "filter_state"]);
    if (other) nack(at, `${other} ${NOT_YET} (header or cookie)`);
    const terminal = h.terminal === true;
    if (h.header !== undefined) {
      if (!h.header.header_name) nack(at, "header.header_name is empty");
      if (h.header.regex_rewrite) nack(at, `header.regex_rewrite ${NOT_YET}`);
      return { kind: "header", name: h.header.header_name.toLowerCase(), cookieTtlSeconds: undefined, cookiePath: "", terminal };
    }
    if (h.cookie !== undefined) {
      if (!h.cookie.name || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(h.cookie.name)) nack(at, `cookie.name ${JSON.stringify(h.cookie.name ?? "")} is not a cookie name`);
      if ((h.cookie.attributes?.length ?? 0) > 0) nack(at, `cookie.attributes ${NOT_YET}`);
      const ttl = durationMs(h.cookie.ttl, at, "cookie.ttl");
      return { kind: "cookie", name: h.cookie.name, cookieTtlSeconds: ttl === undefined ? undefined : Math.floor(ttl / 1000), cookiePath: h.cookie.path ?? "", terminal };
    }
    return nack(at, "sets no policy (header or cookie)");
  });
}

function toMirrors(list: RouteActionPolicyWire["request_mirror_policies"], where: string): MirrorPolicy[] {
  return (list ?? []).map((m, i) => {
    const at = `${where} request_mirror_policies[${i}]`;
    if (m.cluster_header) nack(at, `cluster_header ${NOT_YET}; use cluster`);
    if (m.disable_shadow_host_suffix_append) nack(at, `disable_shadow_host_suffix_append ${NOT_YET}`);
    if (!m.cluster) nack(at, "cluster is empty");
    // Envoy: without runtime_fraction every request is mirrored.
    const fraction = m.runtime_fraction === undefined ? 1 : toFraction(m.runtime_fraction.default_value, `${at} runtime_fraction.default_value`, 0);
    return { cluster: m.cluster, fraction };
  });
}

/** Header ops of one level: request and response. */
export function headerLevel(w: HeaderMutationWire, where: string): HeaderOp[][] {
  return [
    toHeaderOps(w.request_headers_to_add, w.request_headers_to_remove, `${where} request_headers`),
    toHeaderOps(w.response_headers_to_add, w.response_headers_to_remove, `${where} response_headers`),
  ];
}

export function toRoutePolicy(
  action: RouteActionPolicyWire,
  route: HeaderMutationWire & { typed_per_filter_config?: Record<string, TypedConfig> },
  outer: ReadonlyArray<HeaderOp[][]>,
  pathKind: "prefix" | "exact" | "regex",
  where: string,
): RoutePolicy {
  const unsupported = firstSet(action, [
    "idle_timeout", "hedge_policy", "max_stream_duration", "rate_limits", "include_vh_rate_limits", "cors", "max_grpc_timeout",
    "grpc_timeout_offset", "internal_redirect_policy", "upgrade_configs", "early_data_policy",
  ]);
  if (unsupported) nack(where, `route.${unsupported} ${NOT_YET}`);
  if (action.priority !== undefined && action.priority !== "DEFAULT") nack(where, `route.priority ${action.priority} ${NOT_YET}`);
  const timeoutMs = durationMs(action.timeout, where, "route.timeout") ?? DEFAULT_ROUTE_TIMEOUT_MS;
  const retry = action.retry_policy === undefined ? undefined : toRetryPolicy(action.retry_policy, `${where} route.retry_policy`);
  let prefixRewrite: string | undefined;
  if (action.prefix_rewrite !== undefined && action.prefix_rewrite !== "") {
    if (pathKind === "regex") nack(where, "route.prefix_rewrite needs a prefix or path match (regex_rewrite is for safe_regex)");
    prefixRewrite = action.prefix_rewrite;
  }
  const levels = [headerLevel(route, where), ...outer];
  const filters = toPerFilterConfig(route.typed_per_filter_config, where);
  return {
    timeoutMs,
    retry,
    requestHeaders: levels.flatMap((l) => l[0]!),
    responseHeaders: levels.flatMap((l) => l[1]!),
    prefixRewrite,
    mirrors: toMirrors(action.request_mirror_policies, `${where} route`),
    hashPolicies: toHashPolicies(action.hash_policy, `${where} route`),
    fault: filters.fault,
    rateLimit: filters.rateLimit,
  };
}
