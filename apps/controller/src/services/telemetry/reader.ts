// What the telemetry views need from a backend — per-series sums over a range, or per step — and the
// built-in backend's answer from the in-memory store. The Prometheus backend answers the same shape.
import { addInto, AGG_FIELDS, newAggregate, REASONS, STORED_FIELDS, type SeriesKey } from "./record";
import type { TelemetryStore } from "./store";

export interface SeriesFilter {
  /** "<service>.<namespace>" */
  target?: string;
  /** "<service>.<namespace>" or "external" */
  source?: string;
}

/** Sums of one series: the stored fields, then failures per reason (see record.ts). */
export interface Aggregate {
  key: SeriesKey;
  values: Float64Array;
}

export interface SteppedSeries {
  key: SeriesKey;
  /** One aggregate per step, oldest first. */
  points: Float64Array[];
}

export interface TelemetryReader {
  readonly backend: "builtin" | "prometheus";
  /** Sums per series over [fromSec, toSec). */
  totals(fromSec: number, toSec: number, filter: SeriesFilter): Promise<Aggregate[]>;
  /** Sums per series and step over [fromSec, toSec); fromSec is a multiple of stepSeconds. */
  steps(fromSec: number, toSec: number, stepSeconds: number, filter: SeriesFilter): Promise<SteppedSeries[]>;
}

/** The backend could not answer (e.g. Prometheus is down); `detail` is for people. */
export class TelemetryUnavailableError extends Error {
  constructor(readonly detail: string) {
    super(detail);
    this.name = "TelemetryUnavailableError";
  }
}

export function matches(filter: SeriesFilter): (key: SeriesKey) => boolean {
  return (key) => (filter.target === undefined || key.target === filter.target) && (filter.source === undefined || key.source === filter.source);
}

export function createBuiltinReader(store: TelemetryStore): TelemetryReader {
  return {
    backend: "builtin",
    async totals(fromSec, toSec, filter) {
      const byKey = new Map<SeriesKey, Float64Array>();
      const aggOf = (key: SeriesKey) => {
        let agg = byKey.get(key);
        if (!agg) byKey.set(key, (agg = newAggregate()));
        return agg;
      };
      store.scan(
        fromSec,
        toSec,
        matches(filter),
        (_start, _width, key, data, offset) => addInto(aggOf(key), 0, data, offset, STORED_FIELDS),
        (_start, key, reason, count) => void (aggOf(key)[REASONS + reason]! += count),
      );
      return [...byKey].map(([key, values]) => ({ key, values }));
    },
    async steps(fromSec, toSec, stepSeconds, filter) {
      const count = Math.ceil((toSec - fromSec) / stepSeconds);
      const byKey = new Map<SeriesKey, Float64Array[]>();
      const pointOf = (key: SeriesKey, start: number) => {
        let points = byKey.get(key);
        if (!points) byKey.set(key, (points = Array.from({ length: count }, () => new Float64Array(AGG_FIELDS))));
        return points[Math.min(count - 1, Math.max(0, Math.floor((start - fromSec) / stepSeconds)))]!;
      };
      store.scan(
        fromSec,
        toSec,
        matches(filter),
        (start, _width, key, data, offset) => addInto(pointOf(key, start), 0, data, offset, STORED_FIELDS),
        (start, key, reason, n) => void (pointOf(key, start)[REASONS + reason]! += n),
      );
      return [...byKey].map(([key, points]) => ({ key, points }));
    },
  };
}
