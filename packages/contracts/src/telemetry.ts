// Telemetry crossing the sidecar -> controller boundary, and what the controller serves for the graph.
// The wire format is weft.telemetry.v1 (protos/weft/telemetry/v1/telemetry.proto); these are the
// decoded shapes, validated on ingest.
import { z } from "zod";
import { FAILURE_REASONS, STATUS_CLASSES } from "./telemetry-names";

export const StatusClassSchema = z.enum(STATUS_CLASSES);

export const FailureReasonSchema = z.enum(FAILURE_REASONS);

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
  /** Why the failed requests of this series failed; "" when they did not. */
  reason: z.union([FailureReasonSchema, z.literal("")]).default(""),
  /** gRPC status name for gRPC requests ("OK", "UNAVAILABLE", ...); "" otherwise. */
  grpcStatus: z.string().max(32).default(""),
});
export type EdgeSample = z.infer<typeof EdgeSampleSchema>;

export const TcpSampleSchema = z.object({
  direction: z.enum(["inbound", "outbound"]),
  sourceService: z.string(),
  sourceNamespace: z.string(),
  destinationService: z.string(),
  destinationNamespace: z.string(),
  destinationVersion: z.string(),
  connectionsOpened: z.number().int().nonnegative(),
  connectionsClosed: z.number().int().nonnegative(),
  bytesSent: z.number().int().nonnegative(),
  bytesReceived: z.number().int().nonnegative(),
});
export type TcpSample = z.infer<typeof TcpSampleSchema>;

/** One failed request, as a sidecar samples it for the console's "recent failures". */
export const FailureSampleSchema = z.object({
  timeUnixMs: z.number().int(),
  traceId: z.string().max(32),
  direction: z.enum(["inbound", "outbound"]),
  sourceService: z.string(),
  destinationService: z.string(),
  destinationNamespace: z.string(),
  destinationVersion: z.string(),
  route: z.string(),
  method: z.string().max(16),
  path: z.string().max(256),
  status: z.number().int(),
  grpcStatus: z.string().max(32),
  reason: FailureReasonSchema,
  durationMs: z.number().nonnegative(),
  upstream: z.string().max(128),
});
export type FailureSample = z.infer<typeof FailureSampleSchema>;

export const TelemetryReportSchema = z.object({
  nodeId: z.string().min(1),
  service: z.string(),
  namespace: z.string(),
  version: z.string(),
  /** Start of the interval these deltas cover, Unix ms. */
  windowStartMs: z.number().int(),
  windowMs: z.number().int().positive(),
  edges: z.array(EdgeSampleSchema).max(10_000),
  tcp: z.array(TcpSampleSchema).max(1_000).default([]),
  /** At most MAX_FAILURE_SAMPLES per report. */
  failures: z.array(FailureSampleSchema).max(100).default([]),
  droppedSeries: z.number().int().nonnegative().default(0),
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
  /** Where the numbers come from and whether the store answered (absent from older controllers). */
  source: z
    .object({ backend: z.enum(["builtin", "prometheus"]), state: z.enum(["ok", "no_reports", "unreachable"]), detail: z.string() })
    .optional(),
});
export type ServiceGraph = z.infer<typeof ServiceGraphSchema>;
