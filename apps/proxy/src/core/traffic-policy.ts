// Typed traffic policy the translators produce from xDS (routes, HTTP filters, clusters) and the
// layers read: matchers, timeouts, retries, header mutation, mirroring, hashing, faults, rate
// limits, balancing, circuit breaking, outlier detection and health checks. Plain immutable data,
// except the token bucket a rate limit carries (its state lives with the route it limits).

/** A compiled regular expression (RE2, full match), compiled once at translate time. */
export interface RegexMatcher {
  test(input: string): boolean;
}

export type ValueMatchKind = "exact" | "prefix" | "suffix" | "contains" | "regex" | "present";

/** How a header or query parameter value is matched. `present` matches any value. */
export interface ValueMatcher {
  readonly kind: ValueMatchKind;
  /** Lower-cased when ignoreCase (the input is lower-cased before comparing). */
  readonly value: string;
  readonly ignoreCase: boolean;
  readonly regex: RegexMatcher | undefined;
}

export interface QueryParameterMatcher extends ValueMatcher {
  readonly name: string;
}

/** One header operation, applied in order. */
export interface HeaderOp {
  /** remove; append (APPEND_IF_EXISTS_OR_ADD); set (OVERWRITE_IF_EXISTS_OR_ADD); add_if_absent; set_if_exists (OVERWRITE_IF_EXISTS). */
  readonly op: "remove" | "append" | "set" | "add_if_absent" | "set_if_exists";
  /** Lower-case header name. */
  readonly name: string;
  readonly value: string;
}

export type RetryCondition =
  | "5xx"
  | "gateway-error"
  | "connect-failure"
  | "reset"
  | "retriable-4xx"
  | "retriable-status-codes"
  | "cancelled"
  | "deadline-exceeded"
  | "resource-exhausted"
  | "unavailable"
  | "internal";

export interface RetryPolicy {
  readonly retryOn: ReadonlySet<RetryCondition>;
  /** gRPC status codes (from `grpc-status` of a trailers-only response) that trigger a retry. */
  readonly grpcCodes: ReadonlySet<number>;
  /** Retries after the first attempt (Envoy default 1). */
  readonly numRetries: number;
  /** Time to response headers of one attempt, ms; 0 = only the route timeout applies. */
  readonly perTryTimeoutMs: number;
  /** Fully jittered exponential backoff: retry n waits random [0, min(max, base * (2^n - 1))] ms. */
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
  readonly retriableStatusCodes: ReadonlySet<number>;
  /** When non-empty, only requests matching one of these (e.g. `:method` idempotent) are retried. */
  readonly retriableRequestHeaders: readonly RequestHeaderMatcher[];
}

/** A header matcher that may name a pseudo-header (`:method`, `:authority`, `:path`, `:scheme`). */
export interface RequestHeaderMatcher extends ValueMatcher {
  readonly name: string;
  readonly invert: boolean;
}

export interface MirrorPolicy {
  readonly cluster: string;
  /** Share of requests mirrored, in [0, 1]. */
  readonly fraction: number;
}

export interface HashPolicy {
  readonly kind: "header" | "cookie";
  /** Lower-case header name, or the cookie name. */
  readonly name: string;
  /** Cookie to generate when absent (Envoy: only when ttl is set); seconds, 0 = session cookie. */
  readonly cookieTtlSeconds: number | undefined;
  readonly cookiePath: string;
  /** Stop at this policy when it produced a hash. */
  readonly terminal: boolean;
}

/** envoy.filters.http.fault (HTTPFault). */
export interface FaultPolicy {
  readonly delayMs: number;
  /** Share of requests delayed, [0, 1]. */
  readonly delayFraction: number;
  /** HTTP status of an injected abort; undefined = no abort. */
  readonly abortStatus: number | undefined;
  readonly abortFraction: number;
  /** The fault applies only to requests matching all of these. */
  readonly headers: readonly RequestHeaderMatcher[];
}

/** envoy.filters.http.local_ratelimit (LocalRateLimit): a token bucket refilled in whole intervals. */
export interface RateLimitPolicy {
  readonly maxTokens: number;
  readonly tokensPerFill: number;
  readonly fillIntervalMs: number;
  /** Share of requests the bucket is consulted for (filter_enabled; Envoy default 0). */
  readonly enabledFraction: number;
  /** Share of those that are rejected when over the limit (filter_enforced; Envoy default 0). */
  readonly enforcedFraction: number;
  readonly status: number;
  readonly responseHeaders: readonly HeaderOp[];
  /** Mutable bucket state, owned by the route (or listener) this policy belongs to. */
  readonly bucket: { tokens: number; lastFillMs: number };
}

export interface RoutePolicy {
  /** Time to response headers for the whole request, retries included; 0 = none (Envoy default 15 s). */
  readonly timeoutMs: number;
  readonly retry: RetryPolicy | undefined;
  /** Route, then virtual host, then route configuration level (Envoy's order). */
  readonly requestHeaders: readonly HeaderOp[];
  readonly responseHeaders: readonly HeaderOp[];
  /** Replaces the matched prefix (or the whole matched path) when forwarding. */
  readonly prefixRewrite: string | undefined;
  readonly mirrors: readonly MirrorPolicy[];
  readonly hashPolicies: readonly HashPolicy[];
  /** Per-route overrides of the listener's HTTP filters (typed_per_filter_config). */
  readonly fault: FaultPolicy | undefined;
  readonly rateLimit: RateLimitPolicy | undefined;
}

/** The HCM's HTTP filters before the router: present or not, and their listener-wide config. */
export interface HttpFilters {
  readonly fault: { readonly config: FaultPolicy | undefined } | undefined;
  readonly rateLimit: { readonly config: RateLimitPolicy | undefined } | undefined;
}

export const NO_HTTP_FILTERS: HttpFilters = Object.freeze({ fault: undefined, rateLimit: undefined });

export type LbPolicy = "round_robin" | "least_request" | "ring_hash" | "peak_ewma";

export interface CircuitBreakerLimits {
  /** Concurrent upstream requests the cluster's connections carry (HTTP/1.1: one each); beyond, requests queue. */
  readonly maxConnections: number;
  /** Requests queued for a connection; beyond, 503 WEFT_CIRCUIT_OPEN. */
  readonly maxPendingRequests: number;
  /** Concurrent requests; beyond, 503 WEFT_CIRCUIT_OPEN. */
  readonly maxRequests: number;
  /** Concurrent retries; beyond, the failed attempt's answer stands. */
  readonly maxRetries: number;
}

export interface RetryBudget {
  /** Retries allowed as a share of requests over the last 10 s, in [0, 1]. */
  readonly ratio: number;
  /** Retries per second allowed regardless of the ratio (the floor). */
  readonly minPerSecond: number;
}

export interface OutlierDetection {
  /** 0 = off. */
  readonly consecutive5xx: number;
  readonly enforcing5xx: number;
  readonly consecutiveGatewayFailure: number;
  readonly enforcingGatewayFailure: number;
  /** An ejection lasts base * (times ejected), capped at max. */
  readonly baseEjectionMs: number;
  readonly maxEjectionMs: number;
  /** After this long without ejection, the ejection multiplier decreases by one. */
  readonly intervalMs: number;
  /** At most this share of hosts ejected at once (at least one host may always be ejected). */
  readonly maxEjectionPercent: number;
}

export interface HealthCheck {
  readonly path: string;
  /** Host header of probes (Envoy default: the cluster name). */
  readonly host: string;
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly healthyThreshold: number;
  readonly unhealthyThreshold: number;
  /** Statuses counted as healthy: [start, end) ranges; Envoy default [200, 201). */
  readonly expectedStatuses: readonly (readonly [number, number])[];
}

export interface ClusterPolicy {
  readonly lbPolicy: LbPolicy;
  /** least_request / P2C choice count (Envoy default 2). */
  readonly choiceCount: number;
  /** Peak-EWMA decay time constant, ms (Linkerd default 10 s). */
  readonly ewmaDecayMs: number;
  readonly ringMinSize: number;
  readonly ringMaxSize: number;
  readonly limits: CircuitBreakerLimits;
  readonly retryBudget: RetryBudget;
  readonly outlier: OutlierDetection | undefined;
  readonly healthCheck: HealthCheck | undefined;
}

/** Why the sidecar decided something about a request itself (telemetry, access logs). */
export type LocalReason =
  | "upstream_timeout"
  | "per_try_timeout"
  | "no_healthy_endpoint"
  | "circuit_open"
  | "pending_overflow"
  | "rate_limited"
  | "fault_injected"
  | "fault_delayed"
  | "retry_budget_exhausted"
  | "retry_overflow"
  | "retried";
