// The policy the data plane gets: what the user set, with the documented defaults filled in
// (POLICY_DEFAULTS). Pure; the xDS translators only map these values to Envoy fields.
import { POLICY_DEFAULTS, type Protocol, type ServicePolicy } from "@weft/contracts";

export type LoadBalancing =
  | { kind: "peak-ewma"; decayMs: number; choiceCount: number }
  | { kind: "least-request"; choiceCount: number }
  | { kind: "round-robin" }
  | { kind: "ring-hash" };

export type HashOn = { header: string } | { cookie: { name: string; ttlSeconds: number } };

export interface ClusterPolicy {
  loadBalancing: LoadBalancing;
  connectTimeoutMs: number;
  circuitBreaker?: { maxConnections?: number; maxPendingRequests?: number; maxRequests?: number; maxRetries?: number };
  /** Undefined = no retry budget (off, or a TCP service). */
  retryBudget?: { percent: number; minRetriesPerSecond: number };
  outlierDetection?: NonNullable<ServicePolicy["outlierDetection"]>;
  healthCheck?: NonNullable<ServicePolicy["healthCheck"]>;
}

export type MtlsMode = "strict" | "permissive";

export function loadBalancingOf(policy: ServicePolicy): LoadBalancing {
  switch (policy.loadBalancer?.algorithm ?? POLICY_DEFAULTS.loadBalancer) {
    case "least-request":
      return { kind: "least-request", choiceCount: POLICY_DEFAULTS.choiceCount };
    case "round-robin":
      return { kind: "round-robin" };
    case "ring-hash":
      return { kind: "ring-hash" };
    default:
      return { kind: "peak-ewma", decayMs: POLICY_DEFAULTS.peakEwmaDecayMs, choiceCount: POLICY_DEFAULTS.choiceCount };
  }
}

/** What a route needs to hash on for a ring-hash service; undefined otherwise. */
export function hashOnOf(policy: ServicePolicy): HashOn | undefined {
  const h = policy.loadBalancer?.algorithm === "ring-hash" ? policy.loadBalancer.hashOn : undefined;
  if (!h) return undefined;
  if (h.header) return { header: h.header };
  if (h.cookie) return { cookie: { name: h.cookie.name, ttlSeconds: h.cookie.ttlSeconds } };
  return undefined;
}

export function clusterPolicyOf(protocol: Protocol, policy: ServicePolicy): ClusterPolicy {
  // The retry budget is on by default for HTTP and gRPC; `null` turns it off; TCP never retries.
  const retryBudget =
    protocol === "tcp" || policy.retryBudget === null ? undefined : (policy.retryBudget ?? { ...POLICY_DEFAULTS.retryBudget });
  const cb = policy.circuitBreaker;
  return {
    loadBalancing: loadBalancingOf(policy),
    connectTimeoutMs: policy.connectTimeoutMs ?? POLICY_DEFAULTS.connectTimeoutMs,
    ...(cb && Object.values(cb).some((v) => v !== undefined) ? { circuitBreaker: { ...cb } } : {}),
    ...(retryBudget ? { retryBudget: { percent: retryBudget.percent, minRetriesPerSecond: retryBudget.minRetriesPerSecond } } : {}),
    ...(policy.outlierDetection ? { outlierDetection: policy.outlierDetection } : {}),
    ...(policy.healthCheck ? { healthCheck: policy.healthCheck } : {}),
  };
}

export function mtlsModeOf(policy: ServicePolicy): MtlsMode {
  return policy.mtls?.mode ?? POLICY_DEFAULTS.mtlsMode;
}
