// Pure views over per-series sums: the service graph, per-service and per-edge series, failures by
// reason. Every backend feeds the same functions, so they answer the same questions the same way.
import { FAILURE_REASONS, WINDOW_SECONDS, type FailureReason, type GraphEdge, type GraphNode, type MetricPoint, type Series, type ServiceGraph, type TelemetrySource, type TimeWindow } from "@weft/contracts";
import { quantileMs } from "../../domain/latency";
import type { MeshSnapshot } from "../../domain/snapshot";
import type { Aggregate, SteppedSeries } from "./reader";
import { addInto, AGG_FIELDS, EXTERNAL, FAILURES, isCounted, LATENCY, LATENCY_SLOTS, newAggregate, REASONS, REQUEST_BYTES, REQUESTS, RESPONSE_BYTES, type SeriesKey } from "./record";
import { SECOND_RETENTION_S } from "./store";

/** A second's reports arrive up to one interval after it ends: windows end at the newest second surely in. */
export const SETTLE_SECONDS = 2;

/** Seconds per point of each window's series (≤ 300 points each). */
export const STEP_SECONDS: Record<TimeWindow, number> = { live: 1, "5m": 5, "1h": 60, "24h": 600, "7d": 3600 };

export interface Range {
  fromSec: number;
  /** Exclusive. */
  toSec: number;
}

/**
 * The range a window covers at `nowMs`: it ends after the newest settled second. Ranges longer than
 * the second tier start on a minute (minutes are indivisible), so they may be up to 59 s longer.
 */
export function rangeOf(lengthSeconds: number, nowMs: number, stepSeconds = 1): Range {
  const toSec = Math.floor(nowMs / 1000) - SETTLE_SECONDS + 1;
  let fromSec = toSec - lengthSeconds;
  if (lengthSeconds > SECOND_RETENTION_S) fromSec = Math.floor(fromSec / 60) * 60;
  fromSec = Math.floor(fromSec / stepSeconds) * stepSeconds;
  return { fromSec, toSec };
}

export const windowRange = (window: TimeWindow, nowMs: number) => rangeOf(WINDOW_SECONDS[window], nowMs, STEP_SECONDS[window]);

const latencyOf = (agg: Float64Array) => agg.subarray(LATENCY, LATENCY + LATENCY_SLOTS);

export function pointOf(t: number, agg: Float64Array, seconds: number): MetricPoint {
  const requests = agg[REQUESTS]!;
  const latency = latencyOf(agg);
  return {
    t: t * 1000,
    requests,
    requestsPerSecond: requests / seconds,
    successRate: requests > 0 ? Math.max(0, 1 - agg[FAILURES]! / requests) : null,
    p50Ms: quantileMs(latency, 0.5),
    p95Ms: quantileMs(latency, 0.95),
    p99Ms: quantileMs(latency, 0.99),
    requestBytesPerSecond: agg[REQUEST_BYTES]! / seconds,
    responseBytesPerSecond: agg[RESPONSE_BYTES]! / seconds,
  };
}

/** Sums stepped series by a label (a version, a route, or one label for all) into chart series, sorted by label. */
export function seriesBy(stepped: SteppedSeries[], label: (k: SeriesKey) => string, range: Range, stepSeconds: number): Series[] {
  const count = Math.ceil((range.toSec - range.fromSec) / stepSeconds);
  const groups = new Map<string, Float64Array[]>();
  for (const s of stepped) {
    const l = label(s.key);
    let g = groups.get(l);
    if (!g) groups.set(l, (g = Array.from({ length: count }, () => newAggregate())));
    for (let i = 0; i < count && i < s.points.length; i++) addInto(g[i]!, 0, s.points[i]!, 0, AGG_FIELDS);
  }
  return [...groups]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([l, points]) => ({
      label: l,
      points: points.map((agg, i) => {
        const t = range.fromSec + i * stepSeconds;
        return pointOf(t, agg, Math.max(1, Math.min(stepSeconds, range.toSec - t)));
      }),
    }));
}

/** A series of zero points (no traffic): a chart still gets its time axis. */
export function emptySeries(label: string, range: Range, stepSeconds: number): Series {
  const count = Math.ceil((range.toSec - range.fromSec) / stepSeconds);
  const zero = newAggregate();
  return { label, points: Array.from({ length: count }, (_, i) => pointOf(range.fromSec + i * stepSeconds, zero, stepSeconds)) };
}

export function failuresByReason(stepped: SteppedSeries[]): Array<{ reason: FailureReason; count: number }> {
  const counts = new Float64Array(FAILURE_REASONS.length);
  for (const s of stepped) for (const p of s.points) for (let r = 0; r < counts.length; r++) counts[r]! += p[REASONS + r]!;
  return FAILURE_REASONS.map((reason, r) => ({ reason, count: Math.round(counts[r]!) }))
    .filter((x) => x.count > 0)
    .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason));
}

export interface GraphInput {
  totals: Aggregate[];
  range: Range;
  nowMs: number;
  snapshot: MeshSnapshot;
  /** Sidecars that reported within the range: in total and per "<service>.<namespace>". */
  reporting: { total: number; byService: Map<string, number> };
  source: TelemetrySource;
}

export function buildGraph(input: GraphInput): ServiceGraph {
  const seconds = Math.max(1, input.range.toSec - input.range.fromSec);
  const edges = new Map<string, { source: string; target: string; targetVersion: string; agg: Float64Array }>();
  const inbound = new Map<string, { requests: number; failures: number }>();
  for (const { key, values } of input.totals) {
    if (key.direction === "inbound") {
      const n = inbound.get(key.target) ?? { requests: 0, failures: 0 };
      n.requests += values[REQUESTS]!;
      n.failures += values[FAILURES]!;
      inbound.set(key.target, n);
    }
    if (!isCounted(key)) continue;
    const id = `${key.source}|${key.target}|${key.targetVersion}`;
    let e = edges.get(id);
    if (!e) edges.set(id, (e = { source: key.source, target: key.target, targetVersion: key.targetVersion, agg: newAggregate() }));
    addInto(e.agg, 0, values, 0, AGG_FIELDS);
  }

  const { snapshot, reporting } = input;
  const nodes: GraphNode[] = snapshot.clusters
    .filter((c) => c.version === null)
    .map((c) => {
      const id = `${c.service}.${c.namespace}`;
      const versions = snapshot.clusters.filter((v) => v.version !== null && v.service === c.service && v.namespace === c.namespace).map((v) => v.version!);
      const traffic = inbound.get(id) ?? { requests: 0, failures: 0 };
      const instances = reporting.byService.get(id) ?? 0;
      const errorRate = traffic.requests > 0 ? traffic.failures / traffic.requests : 0;
      const health: GraphNode["health"] =
        instances === 0 ? "unknown" : traffic.requests === 0 ? "idle" : errorRate >= 0.05 ? "failing" : errorRate >= 0.01 ? "degraded" : "healthy";
      return { id, name: c.service, namespace: c.namespace, versions, reportingInstances: instances, requestsPerSecond: traffic.requests / seconds, errorRate, health };
    });
  const graphEdges: GraphEdge[] = [...edges.values()]
    .filter((e) => e.agg[REQUESTS]! > 0)
    .map((e) => ({
      source: e.source,
      target: e.target,
      targetVersion: e.targetVersion,
      requestsPerSecond: e.agg[REQUESTS]! / seconds,
      errorRate: Math.min(1, e.agg[FAILURES]! / e.agg[REQUESTS]!),
      p99Ms: quantileMs(latencyOf(e.agg), 0.99),
    }))
    .sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target) || a.targetVersion.localeCompare(b.targetVersion));
  if (graphEdges.some((e) => e.source === EXTERNAL)) {
    nodes.unshift({ id: EXTERNAL, name: EXTERNAL, namespace: "", versions: [], reportingInstances: 0, requestsPerSecond: 0, errorRate: 0, health: "unknown" });
  }
  return {
    windowSeconds: seconds,
    generatedAt: new Date(input.nowMs).toISOString(),
    nodes,
    edges: graphEdges,
    reportingProxies: reporting.total,
    source: input.source,
  };
}
