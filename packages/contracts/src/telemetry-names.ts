// The telemetry vocabulary every sidecar uses — histogram buckets, status classes, failure reasons,
// Prometheus metric and label names — without zod (the sidecar loads it at run time); the wire
// shapes and their schemas are in telemetry.ts.

/** Upper bounds (milliseconds) of the latency histogram buckets every sidecar uses; +Inf is implied. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export const STATUS_CLASSES = ["2xx", "3xx", "4xx", "5xx", "other"] as const;
export type StatusClass = (typeof STATUS_CLASSES)[number];

/**
 * Why a request failed, as sidecars report it (access logs, failure samples, the `reason` of edge
 * samples). A closed set: it is a metric label, so its cardinality must stay bounded.
 */
export const FAILURE_REASONS = [
  "upstream_5xx",
  "upstream_timeout",
  "upstream_connect_failed",
  "upstream_reset",
  "no_healthy_endpoint",
  "no_route",
  "no_config",
  "circuit_open",
  "rate_limited",
  "fault_injected",
  "retry_budget_exhausted",
  "downstream_disconnected",
  "denied",
  "internal",
] as const;
export type FailureReason = (typeof FAILURE_REASONS)[number];

/** Failed requests a sidecar samples per reporting interval (the rest are only counted). */
export const MAX_FAILURE_SAMPLES = 20;

export function statusClassOf(status: number): StatusClass {
  if (status >= 200 && status < 300) return "2xx";
  if (status >= 300 && status < 400) return "3xx";
  if (status >= 400 && status < 500) return "4xx";
  if (status >= 500 && status < 600) return "5xx";
  return "other";
}

/** Prometheus metric names every sidecar exposes on its admin `/metrics`. */
export const SidecarMetricName = {
  requestsTotal: "weft_requests_total",
  requestDurationSeconds: "weft_request_duration_seconds",
  requestBytesTotal: "weft_request_bytes_total",
  responseBytesTotal: "weft_response_bytes_total",
  tcpConnectionsOpenedTotal: "weft_tcp_connections_opened_total",
  tcpConnectionsClosedTotal: "weft_tcp_connections_closed_total",
  tcpSentBytesTotal: "weft_tcp_sent_bytes_total",
  tcpReceivedBytesTotal: "weft_tcp_received_bytes_total",
  xdsConnected: "weft_xds_connected",
  xdsUpdatesTotal: "weft_xds_updates_total",
} as const;

/**
 * Labels of the per-request series (requests, duration histogram, bytes): the same dimensions as
 * EdgeSample, so the built-in store and a Prometheus scraping sidecars answer the same questions.
 * Bounded by design: services × versions × routes × 5 status classes × gRPC codes × FAILURE_REASONS;
 * no per-instance, per-path or per-user label. (`instance` and `job` are Prometheus' own.)
 */
export const REQUEST_LABELS = [
  "direction",
  "source_service",
  "source_namespace",
  "source_version",
  "destination_service",
  "destination_namespace",
  "destination_version",
  "route",
  "status_class",
  "grpc_status",
  "reason",
] as const;

/** Labels of the TCP series. */
export const TCP_LABELS = ["direction", "source_service", "source_namespace", "destination_service", "destination_namespace", "destination_version"] as const;
