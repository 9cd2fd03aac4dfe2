// Per-edge request statistics, the one aggregation behind both /metrics (cumulative) and the
// report stream (per-window deltas). One Map lookup and a few additions per request; label values
// are bounded (identities, route names, status class — never paths or endpoints) and the number of
// series is capped: beyond the cap new combinations fold into one "overflow" series per direction.
import { LATENCY_BUCKETS_MS, statusClassOf, type EdgeSample, type StatusClass } from "@weft/contracts";
import type { RequestRecord } from "../core/events";
import type { Direction } from "../core/runtime-config";

export interface EdgeLabels {
  readonly direction: Direction;
  readonly sourceService: string;
  readonly sourceNamespace: string;
  readonly sourceVersion: string;
  readonly destinationService: string;
  readonly destinationNamespace: string;
  readonly destinationVersion: string;
  readonly route: string;
  readonly statusClass: StatusClass;
}

const BUCKETS = LATENCY_BUCKETS_MS.length + 1; // + the +Inf bucket

export class EdgeSeries {
  requests = 0;
  failures = 0;
  durationSumMs = 0;
  /** Per-bucket (not cumulative) counts, LATENCY_BUCKETS_MS then +Inf. */
  readonly buckets = new Float64Array(BUCKETS);
  requestBytes = 0;
  responseBytes = 0;
  // The same, since the last report window was taken.
  wRequests = 0;
  wFailures = 0;
  wDurationSumMs = 0;
  readonly wBuckets = new Float64Array(BUCKETS);
  wRequestBytes = 0;
  wResponseBytes = 0;
  constructor(readonly labels: EdgeLabels) {}
}

export interface EdgeStats {
  record(r: RequestRecord): void;
  series(): Iterable<EdgeSeries>;
  /** Locally generated replies by direction and error code (cumulative). */
  localReplies(): Iterable<[Direction, string, number]>;
  /** Deltas since the previous call (non-empty series only), then starts a new window. */
  takeWindow(): EdgeSample[];
  /** Puts deltas of a window that never reached the controller back into the current window. */
  restoreWindow(edges: readonly EdgeSample[]): void;
  readonly size: number;
}

export function bucketIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  return LATENCY_BUCKETS_MS.length;
}

export function createEdgeStats(options: { maxSeries?: number } = {}): EdgeStats {
  const maxSeries = options.maxSeries ?? 2_000;
  const map = new Map<string, EdgeSeries>();
  const replies = new Map<string, [Direction, string, number]>();

  function seriesFor(labels: EdgeLabels | undefined, r: RequestRecord | undefined, statusClass: StatusClass): EdgeSeries {
    // Built from the record's fields directly so the common case (series exists) allocates one string.
    const key = r
      ? `${r.direction}\u0001${r.source.service}\u0001${r.source.namespace}\u0001${r.source.version}\u0001${r.destination.service}\u0001${r.destination.namespace}\u0001${r.destination.version}\u0001${r.route?.name ?? ""}\u0001${statusClass}`
      : `${labels!.direction}\u0001${labels!.sourceService}\u0001${labels!.sourceNamespace}\u0001${labels!.sourceVersion}\u0001${labels!.destinationService}\u0001${labels!.destinationNamespace}\u0001${labels!.destinationVersion}\u0001${labels!.route}\u0001${statusClass}`;
    let series = map.get(key);
    if (series !== undefined) return series;
    const direction = r ? r.direction : labels!.direction;
    if (map.size >= maxSeries) {
      const overflowKey = `${direction}\u0001overflow\u0001${statusClass}`;
      series = map.get(overflowKey);
      if (series === undefined) {
        series = new EdgeSeries({
          direction, sourceService: "overflow", sourceNamespace: "", sourceVersion: "",
          destinationService: "overflow", destinationNamespace: "", destinationVersion: "", route: "", statusClass,
        });
        map.set(overflowKey, series);
      }
      return series;
    }
    series = new EdgeSeries(
      labels ?? {
        direction,
        sourceService: r!.source.service,
        sourceNamespace: r!.source.namespace,
        sourceVersion: r!.source.version,
        destinationService: r!.destination.service,
        destinationNamespace: r!.destination.namespace,
        destinationVersion: r!.destination.version,
        route: r!.route?.name ?? "",
        statusClass,
      },
    );
    map.set(key, series);
    return series;
  }

  return {
    record(r) {
      const statusClass = statusClassOf(r.status);
      const series = seriesFor(undefined, r, statusClass);
      const failed = r.status >= 500 || r.status === 0 || r.errorCode !== undefined ? 1 : 0;
      const b = bucketIndex(r.durationMs);
      series.requests++;
      series.wRequests++;
      series.failures += failed;
      series.wFailures += failed;
      series.durationSumMs += r.durationMs;
      series.wDurationSumMs += r.durationMs;
      series.buckets[b]!++;
      series.wBuckets[b]!++;
      series.requestBytes += r.requestBytes;
      series.wRequestBytes += r.requestBytes;
      series.responseBytes += r.responseBytes;
      series.wResponseBytes += r.responseBytes;
      if (r.errorCode !== undefined) {
        const key = `${r.direction}|${r.errorCode}`;
        const entry = replies.get(key);
        if (entry) entry[2]++;
        else replies.set(key, [r.direction, r.errorCode, 1]);
      }
    },
    series: () => map.values(),
    localReplies: () => replies.values(),
    takeWindow() {
      const out: EdgeSample[] = [];
      for (const s of map.values()) {
        if (s.wRequests === 0) continue;
        out.push({
          ...s.labels,
          requests: s.wRequests,
          failures: s.wFailures,
          durationSumMs: s.wDurationSumMs,
          durationBuckets: Array.from(s.wBuckets),
          requestBytes: s.wRequestBytes,
          responseBytes: s.wResponseBytes,
        });
        s.wRequests = s.wFailures = s.wDurationSumMs = s.wRequestBytes = s.wResponseBytes = 0;
        s.wBuckets.fill(0);
      }
      return out;
    },
    restoreWindow(edges) {
      for (const e of edges) {
        const series = seriesFor(
          {
            direction: e.direction, sourceService: e.sourceService, sourceNamespace: e.sourceNamespace, sourceVersion: e.sourceVersion,
            destinationService: e.destinationService, destinationNamespace: e.destinationNamespace, destinationVersion: e.destinationVersion,
            route: e.route, statusClass: e.statusClass,
          },
          undefined,
          e.statusClass,
        );
        series.wRequests += e.requests;
        series.wFailures += e.failures;
        series.wDurationSumMs += e.durationSumMs;
        for (let i = 0; i < series.wBuckets.length; i++) series.wBuckets[i]! += e.durationBuckets[i] ?? 0;
        series.wRequestBytes += e.requestBytes;
        series.wResponseBytes += e.responseBytes;
      }
    },
    get size() {
      return map.size;
    },
  };
}
