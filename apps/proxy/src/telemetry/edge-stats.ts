// Per-edge request statistics, the one aggregation behind both /metrics (cumulative) and the
// report stream (per-window deltas). One Map lookup and a few additions per request. Labels are
// REQUEST_LABELS: identities, route name, status class, gRPC status name, failure reason — never
// paths or endpoints — and the number of series is capped: beyond the cap, new combinations fold
// into one "overflow" series per direction and status class, and are counted as dropped series.
import { LATENCY_BUCKETS_MS, statusClassOf, type EdgeSample, type FailureReason, type StatusClass } from "@weft/contracts";
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
  /** gRPC status name ("OK", "UNAVAILABLE", …), "" for other requests. */
  readonly grpcStatus: string;
  /** FAILURE_REASONS member for failed requests, "" otherwise. */
  readonly reason: FailureReason | "";
}

const BUCKETS = LATENCY_BUCKETS_MS.length + 1; // + the +Inf bucket
/** Default cap on request series (the report stream and /metrics both stay within it). */
export const MAX_EDGE_SERIES = 2_000;
/** Refused label sets remembered per window to count them once; past this each refusal counts. */
const MAX_REFUSED_TRACKED = 1_024;

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

/** One report window of request statistics. */
export interface EdgeWindow {
  edges: EdgeSample[];
  /** Label sets refused by the series cap during the window. */
  droppedSeries: number;
}

export interface EdgeStats {
  record(r: RequestRecord, reason: FailureReason | "", grpcStatus: string): void;
  series(): Iterable<EdgeSeries>;
  /** Locally generated replies by direction and error code (cumulative). */
  localReplies(): Iterable<[Direction, string, number]>;
  /** Deltas since the previous call (non-empty series only), then starts a new window. */
  takeWindow(): EdgeWindow;
  /** Puts a window that never reached the controller back into the current one. */
  restoreWindow(window: EdgeWindow): void;
  readonly size: number;
  readonly maxSeries: number;
  /** Requests counted in an overflow series because the cap was reached (cumulative). */
  readonly overflowRequests: number;
}

export function bucketIndex(ms: number): number {
  for (let i = 0; i < LATENCY_BUCKETS_MS.length; i++) if (ms <= LATENCY_BUCKETS_MS[i]!) return i;
  return LATENCY_BUCKETS_MS.length;
}

function keyOf(l: EdgeLabels): string {
  return `${l.direction}\u0001${l.sourceService}\u0001${l.sourceNamespace}\u0001${l.sourceVersion}\u0001${l.destinationService}\u0001${l.destinationNamespace}\u0001${l.destinationVersion}\u0001${l.route}\u0001${l.statusClass}\u0001${l.grpcStatus}\u0001${l.reason}`;
}

export function createEdgeStats(options: { maxSeries?: number } = {}): EdgeStats {
  const maxSeries = options.maxSeries ?? MAX_EDGE_SERIES;
  const map = new Map<string, EdgeSeries>();
  const replies = new Map<string, [Direction, string, number]>();
  const refused = new Set<string>();
  let refusedUntracked = 0;
  let carriedDropped = 0;
  let overflowRequests = 0;

  function refuse(key: string): void {
    if (refused.size < MAX_REFUSED_TRACKED) refused.add(key);
    else if (!refused.has(key)) refusedUntracked++;
    overflowRequests++;
  }

  function overflow(direction: Direction, statusClass: StatusClass): EdgeSeries {
    const overflowKey = `${direction}\u0001overflow\u0001${statusClass}`;
    let series = map.get(overflowKey);
    if (series === undefined) {
      // May exceed the cap by at most 2 directions × 5 status classes.
      series = new EdgeSeries({
        direction, sourceService: "overflow", sourceNamespace: "", sourceVersion: "",
        destinationService: "overflow", destinationNamespace: "", destinationVersion: "", route: "", statusClass, grpcStatus: "", reason: "",
      });
      map.set(overflowKey, series);
    }
    return series;
  }

  function seriesForRecord(r: RequestRecord, statusClass: StatusClass, reason: FailureReason | "", grpcStatus: string): EdgeSeries {
    // Built from the record's fields directly so the common case (series exists) allocates one string.
    const key = `${r.direction}\u0001${r.source.service}\u0001${r.source.namespace}\u0001${r.source.version}\u0001${r.destination.service}\u0001${r.destination.namespace}\u0001${r.destination.version}\u0001${r.route?.name ?? ""}\u0001${statusClass}\u0001${grpcStatus}\u0001${reason}`;
    let series = map.get(key);
    if (series !== undefined) return series;
    if (map.size >= maxSeries) {
      refuse(key);
      return overflow(r.direction, statusClass);
    }
    series = new EdgeSeries({
      direction: r.direction,
      sourceService: r.source.service,
      sourceNamespace: r.source.namespace,
      sourceVersion: r.source.version,
      destinationService: r.destination.service,
      destinationNamespace: r.destination.namespace,
      destinationVersion: r.destination.version,
      route: r.route?.name ?? "",
      statusClass,
      grpcStatus,
      reason,
    });
    map.set(key, series);
    return series;
  }

  function seriesForLabels(labels: EdgeLabels): EdgeSeries {
    const key = keyOf(labels);
    let series = map.get(key);
    if (series !== undefined) return series;
    // Series are never removed, so a restored label set exists unless it was an overflow one.
    if (labels.sourceService === "overflow" || map.size >= maxSeries) return overflow(labels.direction, labels.statusClass);
    series = new EdgeSeries(labels);
    map.set(key, series);
    return series;
  }

  return {
    record(r, reason, grpcStatus) {
      const statusClass = statusClassOf(r.status);
      const series = seriesForRecord(r, statusClass, reason, grpcStatus);
      const failed = reason === "" ? 0 : 1;
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
      const edges: EdgeSample[] = [];
      for (const s of map.values()) {
        if (s.wRequests === 0) continue;
        edges.push({
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
      const droppedSeries = refused.size + refusedUntracked + carriedDropped;
      refused.clear();
      refusedUntracked = carriedDropped = 0;
      return { edges, droppedSeries };
    },
    restoreWindow(window) {
      for (const e of window.edges) {
        const series = seriesForLabels({
          direction: e.direction, sourceService: e.sourceService, sourceNamespace: e.sourceNamespace, sourceVersion: e.sourceVersion,
          destinationService: e.destinationService, destinationNamespace: e.destinationNamespace, destinationVersion: e.destinationVersion,
          route: e.route, statusClass: e.statusClass, grpcStatus: e.grpcStatus, reason: e.reason,
        });
        series.wRequests += e.requests;
        series.wFailures += e.failures;
        series.wDurationSumMs += e.durationSumMs;
        for (let i = 0; i < series.wBuckets.length; i++) series.wBuckets[i]! += e.durationBuckets[i] ?? 0;
        series.wRequestBytes += e.requestBytes;
        series.wResponseBytes += e.responseBytes;
      }
      carriedDropped += window.droppedSeries;
    },
    get size() {
      return map.size;
    },
    maxSeries,
    get overflowRequests() {
      return overflowRequests;
    },
  };
}
