// Stable error codes shared by the controller API and the sidecar. Documented in docs/errors.md;
// never renumber or reuse a code: operators grep logs and alert on them.

export const ErrorCode = {
  /** Input failed validation; `field` names the offending field. */
  Validation: "WEFT_VALIDATION",
  NotFound: "WEFT_NOT_FOUND",
  /** A resource with the same identity already exists. */
  Conflict: "WEFT_CONFLICT",
  /** The resource is referenced by another one (e.g. a version used in a split). */
  InUse: "WEFT_IN_USE",
  Unauthenticated: "WEFT_UNAUTHENTICATED",
  Forbidden: "WEFT_FORBIDDEN",
  Internal: "WEFT_INTERNAL",

  // Data plane (sidecar) codes, returned in the `x-weft-error` response header and access logs.
  NoConfig: "WEFT_NO_CONFIG",
  RouteNotFound: "WEFT_ROUTE_NOT_FOUND",
  ClusterNotFound: "WEFT_CLUSTER_NOT_FOUND",
  NoHealthyEndpoint: "WEFT_NO_HEALTHY_ENDPOINT",
  UpstreamConnectFailed: "WEFT_UPSTREAM_CONNECT_FAILED",
  UpstreamReset: "WEFT_UPSTREAM_RESET",
  UpstreamTimeout: "WEFT_UPSTREAM_TIMEOUT",
  /** The cluster's circuit breaker refused the request (max_requests or max_pending_requests reached). */
  CircuitOpen: "WEFT_CIRCUIT_OPEN",
  /** The route's local rate limit refused the request (429 with retry-after). */
  RateLimited: "WEFT_RATE_LIMITED",
  /** A configured fault (envoy.filters.http.fault abort) answered instead of the upstream. */
  FaultInjected: "WEFT_FAULT_INJECTED",
  /** The sidecar rejected an xDS update (NACK); the reason says what and where. */
  ConfigRejected: "WEFT_CONFIG_REJECTED",
} as const;

export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Body of an error response, for REST and the sidecar's locally generated replies. */
export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /** Dotted path of the offending input field, e.g. `backends.1.weight`. */
  field?: string;
}
