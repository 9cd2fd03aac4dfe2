// A service's effective policy -> Cluster fields: load balancing, circuit breakers with the retry
// budget, outlier detection, active health checks, upstream HTTP protocol options.
import type { Protocol } from "@weft/contracts";
import { ExtensionName, jsonToStruct, TypeUrl } from "@weft/contracts/proto";
import type { ClusterPolicy, LoadBalancing } from "../../../domain/effective-policy";
import type { Flavor } from "./route-policy";
import { duration, wrapped } from "./units";

function policyEntry(name: string, typedConfig: Record<string, unknown>) {
  return { typed_extension_config: { name, typed_config: typedConfig } };
}

const leastRequestEntry = (choiceCount: number) =>
  policyEntry(ExtensionName.LeastRequest, { "@type": TypeUrl.LeastRequest, choice_count: wrapped(choiceCount) });
// gRPC's xDS clients implement neither Weft's peak EWMA nor least_request: they fall through to this.
const roundRobinEntry = () => policyEntry(ExtensionName.RoundRobin, { "@type": TypeUrl.RoundRobin });

export function toLoadBalancing(lb: LoadBalancing, flavor: Flavor): Record<string, unknown> {
  switch (lb.kind) {
    case "peak-ewma": {
      const peakEwma = policyEntry(ExtensionName.PeakEwma, {
        "@type": TypeUrl.TypedStruct,
        type_url: TypeUrl.PeakEwma,
        value: jsonToStruct({ decay_ms: lb.decayMs }),
      });
      // Clients pick the first policy they implement: Weft sidecars peak EWMA, Envoy least_request.
      const policies = [peakEwma, leastRequestEntry(lb.choiceCount), ...(flavor === "generic" ? [roundRobinEntry()] : [])];
      return { load_balancing_policy: { policies } };
    }
    case "least-request":
      return flavor === "generic"
        ? { load_balancing_policy: { policies: [leastRequestEntry(lb.choiceCount), roundRobinEntry()] } }
        : { lb_policy: "LEAST_REQUEST", least_request_lb_config: { choice_count: wrapped(lb.choiceCount) } };
    case "ring-hash":
      return { lb_policy: "RING_HASH", ring_hash_lb_config: {} };
    case "round-robin":
      return { lb_policy: "ROUND_ROBIN" };
  }
}

function toCircuitBreakers(p: ClusterPolicy): Record<string, unknown> {
  const cb = p.circuitBreaker;
  if (!cb && !p.retryBudget) return {};
  const threshold: Record<string, unknown> = { priority: "DEFAULT" };
  if (cb?.maxConnections !== undefined) threshold.max_connections = wrapped(cb.maxConnections);
  if (cb?.maxPendingRequests !== undefined) threshold.max_pending_requests = wrapped(cb.maxPendingRequests);
  if (cb?.maxRequests !== undefined) threshold.max_requests = wrapped(cb.maxRequests);
  if (cb?.maxRetries !== undefined) threshold.max_retries = wrapped(cb.maxRetries);
  if (p.retryBudget) {
    threshold.retry_budget = {
      budget_percent: { value: p.retryBudget.percent },
      // Weft reads this Linkerd-style, as retries per second allowed on top of the percentage.
      min_retry_concurrency: wrapped(p.retryBudget.minRetriesPerSecond),
    };
  }
  return { circuit_breakers: { thresholds: [threshold] } };
}

function toOutlierDetection(p: ClusterPolicy): Record<string, unknown> {
  const o = p.outlierDetection;
  if (!o) return {};
  return {
    outlier_detection: {
      consecutive_5xx: wrapped(o.consecutive5xx),
      // Envoy enforces gateway-failure ejection at 0 % unless told otherwise.
      ...(o.consecutiveGatewayErrors !== undefined
        ? { consecutive_gateway_failure: wrapped(o.consecutiveGatewayErrors), enforcing_consecutive_gateway_failure: wrapped(100) }
        : {}),
      interval: duration(o.intervalMs),
      base_ejection_time: duration(o.baseEjectionMs),
      max_ejection_percent: wrapped(o.maxEjectionPercent),
    },
  };
}

function toHealthChecks(p: ClusterPolicy): Record<string, unknown> {
  const h = p.healthCheck;
  if (!h) return {};
  return {
    health_checks: [
      {
        timeout: duration(h.timeoutMs),
        interval: duration(h.intervalMs),
        healthy_threshold: wrapped(h.healthyThreshold),
        unhealthy_threshold: wrapped(h.unhealthyThreshold),
        http_health_check: { path: h.path },
      },
    ],
  };
}

/**
 * Upstream HTTP version: gRPC is always HTTP/2; HTTP to sidecars negotiates it by ALPN over mTLS
 * (auto_config; plaintext endpoints get HTTP/1.1). Generic clients get HTTP/2 for gRPC only.
 */
export function toProtocolOptions(protocol: Protocol, flavor: Flavor): Record<string, unknown> {
  let options: Record<string, unknown> | undefined;
  if (protocol === "grpc") options = { explicit_http_config: { http2_protocol_options: {} } };
  else if (protocol === "http" && flavor === "sidecar") options = { auto_config: { http_protocol_options: {}, http2_protocol_options: {} } };
  if (!options) return {};
  return { typed_extension_protocol_options: { [ExtensionName.HttpProtocolOptions]: { "@type": TypeUrl.HttpProtocolOptions, ...options } } };
}

export function toClusterPolicy(p: ClusterPolicy, protocol: Protocol, flavor: Flavor): Record<string, unknown> {
  return {
    connect_timeout: duration(p.connectTimeoutMs),
    ...toLoadBalancing(p.loadBalancing, flavor),
    ...toCircuitBreakers(p),
    ...toOutlierDetection(p),
    ...toHealthChecks(p),
    ...toProtocolOptions(protocol, flavor),
  };
}
