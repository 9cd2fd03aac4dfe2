// Telemetry crossing the sidecar -> controller boundary, and what the controller serves for the graph.
// The wire format is weft.telemetry.v1 (protos/weft/telemetry/v1/telemetry.proto); these are the
// decoded shapes, validated on ingest.
import { z } from "zod";

/** Upper bounds (milliseconds) of the latency histogram buckets every sidecar uses; +Inf is implied. */
export const LATENCY_BUCKETS_MS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;

export const StatusClassSchema = z.enum(["2xx", "3xx", "4xx", "5xx", "other"]);
export type StatusClass = z.infer<typeof StatusClassSchema>;

export const EdgeSampleSchema = z.object({
  direction: z.enum(["inbound", "outbound"]),
  sourceService: z.string(),
  sourceNamespace: z.string(),
  sourceVersion: z.string(),
  destinationService: z.string(),
  destinationNamespace: z.string(),
  destinationVersion: z.string(),
  route: z.string(),
  statusClass: StatusClassSchema,
  requests: z.number().int().nonnegative(),
  /** Requests that failed (5xx or a local error such as no healthy endpoint). */
  failures: z.number().int().nonnegative(),
  durationSumMs: z.number().nonnegative(),
  /** Counts per LATENCY_BUCKETS_MS bucket plus the trailing +Inf bucket. */
  durationBuckets: z.array(z.number().int().nonnegative()),
  requestBytes: z.number().int().nonnegative(),
  responseBytes: z.number().int().nonnegative(),
});
export type EdgeSample = z.infer<typeof EdgeSampleSchema>;

export const TelemetryReportSchema = z.object({
  nodeId: z.string().min(1),
  service: z.string(),
  namespace: z.string(),
  version: z.string(),
  /** Start of the interval these deltas cover, Unix ms. */
  windowStartMs: z.number().int(),
  windowMs: z.number().int().positive(),
  edges: z.array(EdgeSampleSchema).max(10_000),
});
export type TelemetryReport = z.infer<typeof TelemetryReportSchema>;

/** One edge of the live service graph (aggregated over a window). */
export const GraphEdgeSchema = z.object({
  source: z.string(),
  target: z.string(),
  targetVersion: z.string(),
  requestsPerSecond: z.number(),
  errorRate: z.number(),
  p99Ms: z.number().nullable(),
});
export type GraphEdge = z.infer<typeof GraphEdgeSchema>;

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
  xdsConnected: "weft_xds_connected",
  xdsUpdatesTotal: "weft_xds_updates_total",
} as const;

export const GraphNodeSchema = z.object({
  /** "<name>.<namespace>", or "external" for callers outside the mesh. */
  id: z.string(),
  name: z.string(),
  namespace: z.string(),
  versions: z.array(z.string()),
  /** Instances whose sidecar reported within the window. */
  reportingInstances: z.number().int(),
  /** Inbound requests per second over the window. */
  requestsPerSecond: z.number(),
  errorRate: z.number(),
  health: z.enum(["healthy", "degraded", "failing", "idle", "unknown"]),
});
export type GraphNode = z.infer<typeof GraphNodeSchema>;

export const ServiceGraphSchema = z.object({
  windowSeconds: z.number().int(),
  generatedAt: z.string(),
  nodes: z.array(GraphNodeSchema),
  edges: z.array(GraphEdgeSchema),
  /** Sidecars that sent a report within the window; 0 explains an empty graph. */
  reportingProxies: z.number().int(),
});
export type ServiceGraph = z.infer<typeof ServiceGraphSchema>;
