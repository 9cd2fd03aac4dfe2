// What the controller's telemetry API answers (tRPC + REST + the live SSE subscription): the graph
// over a window, per-service series, recent failures, and traces. The console renders these.
import { z } from "zod";
import { FailureReasonSchema, FailureSampleSchema } from "./telemetry";

/** The console's time-window selector. `live` = the last 10 s at 1 s resolution, refreshed every second. */
export const TimeWindowSchema = z.enum(["live", "5m", "1h", "24h", "7d"], { error: "must be one of live, 5m, 1h, 24h, 7d" });
export type TimeWindow = z.infer<typeof TimeWindowSchema>;

/** Window lengths, seconds. Windows up to 15 minutes read 1-second data; longer ones 1-minute data. */
export const WINDOW_SECONDS: Record<TimeWindow, number> = { live: 10, "5m": 300, "1h": 3600, "24h": 86_400, "7d": 604_800 };

/** Where the numbers come from, and why they may be missing — so the console can say why a view is empty. */
export const TelemetrySourceSchema = z.object({
  backend: z.enum(["builtin", "prometheus"]),
  /** ok: data is flowing; no_reports: no sidecar reported in the window; unreachable: the store (e.g. Prometheus) did not answer. */
  state: z.enum(["ok", "no_reports", "unreachable"]),
  /** A sentence for people, e.g. "Prometheus at http://127.0.0.1:9090 did not answer: ECONNREFUSED". */
  detail: z.string(),
});
export type TelemetrySource = z.infer<typeof TelemetrySourceSchema>;

export const MetricPointSchema = z.object({
  /** Start of the step, Unix ms. */
  t: z.number().int(),
  /** Requests in the step. The newest step may cover fewer seconds than the others: sum these, not rate × step. */
  requests: z.number(),
  requestsPerSecond: z.number(),
  /** Share of requests that did not fail, 0..1; null when there were none. */
  successRate: z.number().nullable(),
  p50Ms: z.number().nullable(),
  p95Ms: z.number().nullable(),
  p99Ms: z.number().nullable(),
  requestBytesPerSecond: z.number(),
  responseBytesPerSecond: z.number(),
});
export type MetricPoint = z.infer<typeof MetricPointSchema>;

export const SeriesSchema = z.object({
  /** What the series is of: a version ("v2"), a route ("default"), or "all". */
  label: z.string(),
  points: z.array(MetricPointSchema),
});
export type Series = z.infer<typeof SeriesSchema>;

export const ServiceMetricsInput = z.object({
  service: z.string().min(1),
  namespace: z.string().min(1).default("default"),
  window: TimeWindowSchema.default("5m"),
});
/** What a service's and an edge's metrics both carry: the window, series in total, per version and per route, failures by reason. */
const METRICS_BREAKDOWN = {
  window: TimeWindowSchema,
  /** Seconds per point. */
  stepSeconds: z.number().int(),
  total: SeriesSchema,
  /** Per version (of the service; of the edge's target). */
  byVersion: z.array(SeriesSchema),
  byRoute: z.array(SeriesSchema),
  /** Failed requests in the window by reason, most frequent first. */
  failuresByReason: z.array(z.object({ reason: FailureReasonSchema, count: z.number().int() })),
  source: TelemetrySourceSchema,
};

export const ServiceMetricsSchema = z.object({
  service: z.string(),
  namespace: z.string(),
  ...METRICS_BREAKDOWN,
});
export type ServiceMetrics = z.infer<typeof ServiceMetricsSchema>;

export const FailuresInput = z.object({
  service: z.string().min(1),
  namespace: z.string().min(1).default("default"),
  limit: z.number().int().min(1).max(200).default(50),
});
/** A failed request as the console lists it (a sidecar's failure sample, with the reporting node). */
export const RecentFailureSchema = FailureSampleSchema.extend({ nodeId: z.string() });
export type RecentFailure = z.infer<typeof RecentFailureSchema>;

// ---- traces -------------------------------------------------------------------------------

export const SpanSchema = z.object({
  traceId: z.string(),
  spanId: z.string(),
  parentSpanId: z.string().nullable(),
  /** e.g. "inbound reviews.default" / "outbound ratings.default". */
  name: z.string(),
  service: z.string(),
  kind: z.enum(["server", "client", "internal", "producer", "consumer", "unspecified"]),
  startUnixMs: z.number(),
  durationMs: z.number(),
  status: z.enum(["ok", "error", "unset"]),
  /** The failure reason when status is error (e.g. upstream_timeout). */
  statusMessage: z.string(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])),
});
export type Span = z.infer<typeof SpanSchema>;

export const TraceSummarySchema = z.object({
  traceId: z.string(),
  /** The first service of the trace (its root span's service). */
  rootService: z.string(),
  rootName: z.string(),
  startUnixMs: z.number(),
  durationMs: z.number(),
  spanCount: z.number().int(),
  services: z.array(z.string()),
  status: z.enum(["ok", "error"]),
  /** The first error's reason, when the trace has one. */
  errorReason: z.string().nullable(),
});
export type TraceSummary = z.infer<typeof TraceSummarySchema>;

export const TraceSearchInput = z.object({
  service: z.string().optional(),
  status: z.enum(["any", "ok", "error"]).default("any"),
  minDurationMs: z.number().min(0).optional(),
  window: TimeWindowSchema.default("1h"),
  limit: z.number().int().min(1).max(200).default(50),
});

export const TraceSchema = z.object({ traceId: z.string(), spans: z.array(SpanSchema) });
export type Trace = z.infer<typeof TraceSchema>;

// ---- per edge (added by the controller telemetry work) ---------------------------------------

/** One edge of the graph, named as graph edges name their ends. */
export const EdgeMetricsInput = z.object({
  /** "<service>.<namespace>", or "external" for callers outside the mesh. */
  source: z.string().min(1),
  /** "<service>.<namespace>". */
  target: z.string().min(1),
  window: TimeWindowSchema.default("5m"),
});
export const EdgeMetricsSchema = z.object({
  edge: z.object({ source: z.string(), target: z.string() }),
  ...METRICS_BREAKDOWN,
});
export type EdgeMetrics = z.infer<typeof EdgeMetricsSchema>;
