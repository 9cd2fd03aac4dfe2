// CDS traffic policy of a cluster: load balancing (lb_policy, or load_balancing_policy where the
// first supported entry wins — Weft's PeakEwma TypedStruct, least_request, round_robin,
// ring_hash), circuit_breakers (DEFAULT priority) with retry_budget, outlier_detection and one
// HTTP health check. Defaults are Envoy's unless noted; unsupported fields are NACKed.
import { structToJson } from "@weft/contracts/proto";
import type { ClusterPolicy, HealthCheck, LbPolicy, OutlierDetection, RetryBudget } from "../../core/traffic-policy";
import { durationMs, firstSet, nack, NOT_YET, u32 } from "./wire";
import type { ClusterPolicyWire, HealthCheckWire, OutlierDetectionWire, TypedExtensionWire } from "./policy-wire";

export const PEAK_EWMA_TYPE_URL = "type.weft.io/weft.lb.v1.PeakEwma";
const TYPED_STRUCT = "type.googleapis.com/xds.type.v3.TypedStruct";
const LEAST_REQUEST = "type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest";
const ROUND_ROBIN = "type.googleapis.com/envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin";
const RING_HASH = "type.googleapis.com/envoy.extensions.load_balancing_policies.ring_hash.v3.RingHash";

/** Linkerd's default EWMA decay. */
export const DEFAULT_EWMA_DECAY_MS = 10_000;
/** Weft's retry budget when a cluster sets none: on, 20% + 10 retries/s. */
export const DEFAULT_RETRY_BUDGET: RetryBudget = Object.freeze({ ratio: 0.2, minPerSecond: 10 });

interface Balancing {
  lbPolicy: LbPolicy;
  choiceCount: number;
  ewmaDecayMs: number;
  ringMinSize: number;
  ringMaxSize: number;
}
const BALANCING_DEFAULTS: Balancing = { lbPolicy: "round_robin", choiceCount: 2, ewmaDecayMs: DEFAULT_EWMA_DECAY_MS, ringMinSize: 1024, ringMaxSize: 8_388_608 };

function ring(w: { minimum_ring_size?: { value?: string | number }; maximum_ring_size?: { value?: string | number }; hash_function?: string } | undefined, where: string): Balancing {
  const min = Number(w?.minimum_ring_size?.value ?? 1024);
  const max = Number(w?.maximum_ring_size?.value ?? 8_388_608);
  if (min < 1 || max < min || max > 8_388_608) nack(where, `ring sizes must satisfy 1 <= minimum (${min}) <= maximum (${max}) <= 8388608`);
  if (w?.hash_function !== undefined && w.hash_function !== "XX_HASH" && w.hash_function !== "MURMUR_HASH_2") nack(where, `hash_function ${w.hash_function} is unknown`);
  return { ...BALANCING_DEFAULTS, lbPolicy: "ring_hash", ringMinSize: min, ringMaxSize: max };
}

function leastRequest(choice: { value?: number } | undefined, bias: object | undefined, where: string): Balancing {
  if (bias !== undefined) nack(where, `active_request_bias ${NOT_YET}`);
  const choiceCount = choice === undefined ? 2 : (choice.value ?? 0);
  if (choiceCount < 2) nack(where, `choice_count ${choiceCount} must be at least 2`);
  return { ...BALANCING_DEFAULTS, lbPolicy: "least_request", choiceCount };
}

/** One load_balancing_policy entry, or undefined when the sidecar does not know it (next entry). */
function fromExtension(ext: TypedExtensionWire | undefined, where: string): Balancing | undefined {
  const tc = ext?.typed_config;
  const type = tc?.["@type"];
  if (type === TYPED_STRUCT) {
    if (tc!.type_url !== PEAK_EWMA_TYPE_URL) return undefined;
    const value = tc!.value === undefined ? {} : (structToJson(tc!.value as never) as Record<string, unknown>);
    const decay = value.decay_ms ?? DEFAULT_EWMA_DECAY_MS;
    if (typeof decay !== "number" || !(decay > 0)) nack(`${where}.typed_config.value`, `decay_ms must be a positive number of milliseconds (got ${JSON.stringify(decay)})`);
    return { ...BALANCING_DEFAULTS, lbPolicy: "peak_ewma", ewmaDecayMs: decay };
  }
  if (type === LEAST_REQUEST) return leastRequest(tc!.choice_count as { value?: number } | undefined, tc!.active_request_bias as object | undefined, where);
  if (type === ROUND_ROBIN) return { ...BALANCING_DEFAULTS };
  if (type === RING_HASH) return ring(tc as never, where);
  return undefined;
}

function toBalancing(c: ClusterPolicyWire, where: string): Balancing {
  const policies = c.load_balancing_policy?.policies;
  if (policies !== undefined && policies.length > 0) {
    // The first policy this client supports wins; the rest are fallbacks for other clients.
    for (let i = 0; i < policies.length; i++) {
      const b = fromExtension(policies[i]!.typed_extension_config, `${where} load_balancing_policy.policies[${i}].typed_extension_config`);
      if (b !== undefined) return b;
    }
    const names = policies.map((p) => p.typed_extension_config?.typed_config?.["@type"] ?? p.typed_extension_config?.name ?? "?").join(", ");
    return nack(`${where} load_balancing_policy`, `no supported policy among ${names} (PeakEwma TypedStruct, least_request, round_robin, ring_hash)`);
  }
  const lb = c.lb_policy ?? "ROUND_ROBIN"; // ROUND_ROBIN is enum 0: absent on the wire
  switch (lb) {
    case "ROUND_ROBIN":
      return { ...BALANCING_DEFAULTS };
    case "LEAST_REQUEST":
      return leastRequest(c.least_request_lb_config?.choice_count, c.least_request_lb_config?.active_request_bias, `${where} least_request_lb_config`);
    case "RING_HASH":
      return ring(c.ring_hash_lb_config, `${where} ring_hash_lb_config`);
    default:
      return nack(where, `lb_policy ${lb} ${NOT_YET} (ROUND_ROBIN, LEAST_REQUEST, RING_HASH, or load_balancing_policy)`);
  }
}

function limit(v: { value?: number } | undefined, fallback: number): number {
  return v === undefined ? fallback : (v.value ?? 0);
}

function toThresholds(c: ClusterPolicyWire, where: string): Pick<ClusterPolicy, "limits" | "retryBudget"> {
  const cb = c.circuit_breakers;
  if ((cb?.per_host_thresholds?.length ?? 0) > 0) nack(`${where} circuit_breakers`, `per_host_thresholds ${NOT_YET}`);
  // Requests have DEFAULT priority: HIGH thresholds never apply (ignored).
  const list = (cb?.thresholds ?? []).filter((t) => (t.priority ?? "DEFAULT") === "DEFAULT");
  if (list.length > 1) nack(`${where} circuit_breakers`, "thresholds has more than one DEFAULT priority entry");
  const t = list[0];
  if (t?.max_connection_pools !== undefined) nack(`${where} circuit_breakers.thresholds`, `max_connection_pools ${NOT_YET}`);
  const limits = {
    maxConnections: limit(t?.max_connections, 1024),
    maxPendingRequests: limit(t?.max_pending_requests, 1024),
    maxRequests: limit(t?.max_requests, 1024),
    maxRetries: limit(t?.max_retries, 3),
  };
  let retryBudget = DEFAULT_RETRY_BUDGET;
  const rb = t?.retry_budget;
  if (rb !== undefined) {
    const percent = rb.budget_percent?.value ?? 20;
    if (!(percent >= 0 && percent <= 100)) nack(`${where} circuit_breakers.thresholds retry_budget`, `budget_percent ${percent} must be in [0, 100]`);
    retryBudget = { ratio: percent / 100, minPerSecond: rb.min_retry_concurrency === undefined ? DEFAULT_RETRY_BUDGET.minPerSecond : (rb.min_retry_concurrency.value ?? 0) };
  }
  return { limits, retryBudget };
}

function toOutlier(o: OutlierDetectionWire | undefined, where: string): OutlierDetection | undefined {
  if (o === undefined) return undefined;
  const unsupported = firstSet(o, [
    "enforcing_success_rate", "success_rate_minimum_hosts", "success_rate_request_volume", "success_rate_stdev_factor",
    "split_external_local_origin_errors", "consecutive_local_origin_failure", "enforcing_consecutive_local_origin_failure",
    "enforcing_local_origin_success_rate", "failure_percentage_threshold", "enforcing_failure_percentage",
    "enforcing_failure_percentage_local_origin", "failure_percentage_minimum_hosts", "failure_percentage_request_volume",
    "max_ejection_time_jitter", "monitors",
  ]);
  if (unsupported) nack(`${where} outlier_detection`, `${unsupported} ${NOT_YET}`);
  const percent = (v: { value?: number } | undefined, fallback: number, field: string) => {
    const p = u32(v) ?? fallback;
    if (p > 100) nack(`${where} outlier_detection`, `${field} ${p} must be at most 100`);
    return p;
  };
  const baseEjectionMs = durationMs(o.base_ejection_time, `${where} outlier_detection`, "base_ejection_time") ?? 30_000;
  const maxEjectionMs = durationMs(o.max_ejection_time, `${where} outlier_detection`, "max_ejection_time") ?? Math.max(300_000, baseEjectionMs);
  const intervalMs = durationMs(o.interval, `${where} outlier_detection`, "interval") ?? 10_000;
  if (baseEjectionMs <= 0 || intervalMs <= 0) nack(`${where} outlier_detection`, "interval and base_ejection_time must be positive");
  if (maxEjectionMs < baseEjectionMs) nack(`${where} outlier_detection`, "max_ejection_time is below base_ejection_time");
  return {
    consecutive5xx: u32(o.consecutive_5xx) ?? 5,
    enforcing5xx: percent(o.enforcing_consecutive_5xx, 100, "enforcing_consecutive_5xx"),
    consecutiveGatewayFailure: u32(o.consecutive_gateway_failure) ?? 5,
    // Envoy: gateway-failure ejection is off unless enforcing_consecutive_gateway_failure is set.
    enforcingGatewayFailure: percent(o.enforcing_consecutive_gateway_failure, 0, "enforcing_consecutive_gateway_failure"),
    baseEjectionMs,
    maxEjectionMs,
    intervalMs,
    maxEjectionPercent: percent(o.max_ejection_percent, 10, "max_ejection_percent"),
  };
}

function toHealthCheck(list: HealthCheckWire[] | undefined, clusterName: string, where: string): HealthCheck | undefined {
  if (list === undefined || list.length === 0) return undefined;
  if (list.length > 1) nack(`${where} health_checks`, `more than one health check ${NOT_YET}`);
  const h = list[0]!;
  const at = `${where} health_checks[0]`;
  const other = firstSet(h, ["tcp_health_check", "grpc_health_check", "custom_health_check", "transport_socket_match_criteria"]);
  if (other) nack(at, `${other} ${NOT_YET} (http_health_check only)`);
  const http = h.http_health_check;
  if (http === undefined) return nack(at, "http_health_check is missing");
  const extra = firstSet(http, ["send", "receive", "request_headers_to_add", "request_headers_to_remove"]);
  if (extra) nack(`${at}.http_health_check`, `${extra} ${NOT_YET}`);
  if (http.codec_client_type !== undefined && http.codec_client_type !== "HTTP1") nack(`${at}.http_health_check`, `codec_client_type ${http.codec_client_type} ${NOT_YET}`);
  if (http.method !== undefined && http.method !== "GET" && http.method !== "METHOD_UNSPECIFIED") nack(`${at}.http_health_check`, `method ${http.method} ${NOT_YET} (GET)`);
  if (!http.path || !http.path.startsWith("/")) nack(`${at}.http_health_check`, `path ${JSON.stringify(http.path ?? "")} must start with /`);
  const timeoutMs = durationMs(h.timeout, at, "timeout");
  const intervalMs = durationMs(h.interval, at, "interval");
  if (timeoutMs === undefined || timeoutMs <= 0) nack(at, "timeout must be positive");
  if (intervalMs === undefined || intervalMs <= 0) nack(at, "interval must be positive");
  const healthyThreshold = u32(h.healthy_threshold);
  const unhealthyThreshold = u32(h.unhealthy_threshold);
  if (!healthyThreshold || healthyThreshold < 1) nack(at, "healthy_threshold must be at least 1");
  if (!unhealthyThreshold || unhealthyThreshold < 1) nack(at, "unhealthy_threshold must be at least 1");
  const expectedStatuses = (http.expected_statuses ?? []).map((r, i) => {
    const start = Number(r.start ?? 0);
    const end = Number(r.end ?? 0);
    if (start < 100 || end > 600 || end <= start) nack(`${at}.http_health_check expected_statuses[${i}]`, `[${start}, ${end}) is not a range of HTTP statuses`);
    return [start, end] as const;
  });
  return {
    path: http.path,
    host: http.host || clusterName,
    intervalMs,
    timeoutMs,
    healthyThreshold,
    unhealthyThreshold,
    expectedStatuses: expectedStatuses.length > 0 ? expectedStatuses : [[200, 201]],
  };
}

export function toClusterPolicy(c: ClusterPolicyWire, name: string, where: string): ClusterPolicy {
  if (c.maglev_lb_config !== undefined) nack(where, `maglev_lb_config ${NOT_YET}`);
  if (c.common_lb_config !== undefined && Object.keys(c.common_lb_config).length > 0) nack(where, `common_lb_config ${NOT_YET}`);
  return { ...toBalancing(c, where), ...toThresholds(c, where), outlier: toOutlier(c.outlier_detection, where), healthCheck: toHealthCheck(c.health_checks, name, where) };
}
