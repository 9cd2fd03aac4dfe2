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
