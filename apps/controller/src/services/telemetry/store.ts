// The built-in telemetry store: per series, 1-second buckets for the last 15 minutes and 1-minute
// buckets for the last 7 days, in memory under hard caps (series, records per tier). `tick(now)`
// rolls complete minutes up from their seconds and applies retention; dirty buckets are handed to
// the write-behind, and `load` puts persisted ones back after a restart. Time comes in as arguments.
import { FAILURE_REASONS } from "@weft/contracts";
import { addInto, FAILURES, LATENCY, LATENCY_SLOTS, STORED_FIELDS, DURATION_SUM_MS, REQUEST_BYTES, REQUESTS, RESPONSE_BYTES, type SeriesKey } from "./record";
import type { StoreLimits } from "./limits";
import { SeriesRegistry } from "./series-registry";
import type { StoredBucket, TelemetryTier, TelemetryWrite } from "../../ports/telemetry-repository";

export const SECOND_RETENTION_S = 900;
export const MINUTE_RETENTION_S = 7 * 86_400;
/** A minute is rolled up this long after it ends: a second's reports arrive up to an interval later. */
export const ROLLUP_GRACE_S = 5;
const R = FAILURE_REASONS.length;

export type { StoreLimits } from "./limits";

/** What one sample adds to a series. `latency` holds LATENCY_SLOTS counts (or null, e.g. TCP). */
export interface Delta {
  requests: number;
  failures: number;
  durationSumMs: number;
  requestBytes: number;
  responseBytes: number;
  latency: ArrayLike<number> | null;
  /** Index in FAILURE_REASONS of why `failures` failed; -1 when none. */
  reason: number;
}

type BucketRecords = StoredBucket;
type TierName = TelemetryTier;

class Bucket {
  rows = 0;
  data = new Float64Array(STORED_FIELDS * 4);
  /** Series id -> row. */
  readonly index = new Map<number, number>();
  /** Series id * R + reason index -> failed requests; null until one failed. */
  reasons: Map<number, number> | null = null;

  addRow(id: number): number {
    if ((this.rows + 1) * STORED_FIELDS > this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.index.set(id, this.rows);
    return this.rows++;
  }

  /** Drops the spare capacity once the bucket is complete. */
  compact(): void {
    if (this.data.length > this.rows * STORED_FIELDS) this.data = this.data.slice(0, this.rows * STORED_FIELDS);
  }
}

class Tier {
  readonly buckets = new Map<number, Bucket>();
  records = 0;
  readonly dirty = new Set<number>();
  /** Every bucket starting before this was dropped (retention or cap): its persisted copy goes too. */
  floor = 0;
  evicted = 0;
  constructor(
    readonly name: TierName,
    readonly width: number,
    readonly maxRecords: number,
  ) {}
}

export type TelemetryStore = ReturnType<typeof createTelemetryStore>;

export function createTelemetryStore(limits: StoreLimits, nowSec: number) {
  const series = new SeriesRegistry(limits.maxSeries);
  const seconds = new Tier("1s", 1, limits.maxSecondRecords);
  const minutes = new Tier("1m", 60, limits.maxMinuteRecords);
  /** Start (Unix s) of the first minute not rolled up yet: older minutes live in the minute tier. */
  let rolledUpTo = Math.floor(nowSec / 60) * 60;
  let droppedSeries = 0;
  let droppedRecords = 0;

  /**
   * Evicts the oldest bucket older than `incoming` (seconds: only rolled-up ones, whose data lives on
   * in a minute), so under pressure history shortens from its old end instead of new data being lost.
   */
  function makeRoom(tier: Tier, incoming: number): boolean {
    let oldest = Infinity;
    for (const start of tier.buckets.keys()) if (start < oldest) oldest = start;
    if (oldest >= incoming || (tier === seconds && oldest >= rolledUpTo)) return false;
    tier.evicted += tier.buckets.get(oldest)!.rows;
    dropBefore(tier, oldest + tier.width);
    return true;
  }

  /** The offset of (bucket, series) in its bucket's data, creating the row; -1 when the tier is full. */
  function rowOf(tier: Tier, start: number, id: number): { bucket: Bucket; offset: number } | null {
    let bucket = tier.buckets.get(start);
    let row = bucket?.index.get(id);
    if (row === undefined) {
      while (tier.records >= tier.maxRecords) if (!makeRoom(tier, start)) return null;
      if (!bucket) {
        bucket = new Bucket();
        tier.buckets.set(start, bucket);
      }
      row = bucket.addRow(id);
      tier.records++;
      series.retain(id);
    }
    tier.dirty.add(start);
    return { bucket: bucket!, offset: row * STORED_FIELDS };
  }

  function addReason(bucket: Bucket, id: number, reason: number, count: number): void {
    const reasons = (bucket.reasons ??= new Map());
    const k = id * R + reason;
    reasons.set(k, (reasons.get(k) ?? 0) + count);
  }

  function addDelta(tier: Tier, start: number, id: number, d: Delta): boolean {
    const at = rowOf(tier, start, id);
    if (!at) return false;
    const { data } = at.bucket;
    const o = at.offset;
    data[o + REQUESTS]! += d.requests;
    data[o + FAILURES]! += d.failures;
    data[o + DURATION_SUM_MS]! += d.durationSumMs;
    data[o + REQUEST_BYTES]! += d.requestBytes;
    data[o + RESPONSE_BYTES]! += d.responseBytes;
    if (d.latency) for (let i = 0; i < LATENCY_SLOTS && i < d.latency.length; i++) data[o + LATENCY + i]! += d.latency[i]!;
    if (d.reason >= 0 && d.failures > 0) addReason(at.bucket, id, d.reason, d.failures);
    return true;
  }

  function dropBefore(tier: Tier, floor: number): void {
    if (floor <= tier.floor) return;
    for (const [start, bucket] of tier.buckets) {
      if (start >= floor) continue;
      for (const id of bucket.index.keys()) series.release(id);
      tier.records -= bucket.rows;
      tier.buckets.delete(start);
      tier.dirty.delete(start);
    }
    tier.floor = floor;
  }

  function rollMinute(start: number): void {
    let target: Bucket | undefined;
    for (let s = start; s < start + 60; s++) {
      const b = seconds.buckets.get(s);
      if (!b) continue;
      b.compact();
      for (const [id, row] of b.index) {
        const at = rowOf(minutes, start, id);
        if (!at) {
          droppedRecords++;
          continue;
        }
        target = at.bucket;
        addInto(at.bucket.data, at.offset, b.data, row * STORED_FIELDS, STORED_FIELDS);
      }
      if (b.reasons && target) for (const [k, n] of b.reasons) if (target.index.has(Math.floor(k / R))) addReason(target, Math.floor(k / R), k % R, n);
    }
    target?.compact();
  }

  function detach(tier: Tier, start: number): BucketRecords | null {
    const b = tier.buckets.get(start);
    if (!b) return null;
    const records: BucketRecords["records"] = [];
    for (const [id, row] of b.index) {
      const reasons: Array<[number, number]> = [];
      if (b.reasons) for (let r = 0; r < R; r++) {
        const n = b.reasons.get(id * R + r);
        if (n) reasons.push([r, n]);
      }
      records.push({ key: series.keys[id]!, values: b.data.slice(row * STORED_FIELDS, (row + 1) * STORED_FIELDS), reasons });
    }
    return { bucket: start, records };
  }

  return {
    /** Adds a sample of the given second; false when it was dropped (too old, or a cap). */
    add(sec: number, key: SeriesKey, d: Delta): boolean {
      const minute = Math.floor(sec / 60) * 60;
      const toSeconds = sec >= seconds.floor;
      // Its minute is already rolled up: a late sample joins it there too.
      const toMinutes = minute < rolledUpTo && minute >= minutes.floor;
      if (!toSeconds && !toMinutes) {
        droppedRecords++;
        return false;
      }
      const id = series.intern(key);
      if (id < 0) {
        droppedSeries++;
        return false;
      }
      let ok = toSeconds ? addDelta(seconds, sec, id, d) : false;
      if (toMinutes) ok = addDelta(minutes, minute, id, d) || ok;
      if (!ok) droppedRecords++;
      series.forgetIfUnused(id);
      return ok;
    },

    /** Rolls complete minutes up and applies retention, as of `nowSec`. */
    tick(nowSec: number): void {
      while (rolledUpTo + 60 + ROLLUP_GRACE_S <= nowSec) {
        rollMinute(rolledUpTo);
        rolledUpTo += 60;
      }
      dropBefore(seconds, Math.min(nowSec - SECOND_RETENTION_S, rolledUpTo));
      dropBefore(minutes, nowSec - MINUTE_RETENTION_S);
    },

    /**
     * Visits every record of [fromSec, toSec). Ranges up to 15 minutes read seconds; longer ones read
     * minutes, and seconds for the tail not rolled up yet.
     */
    scan(
      fromSec: number,
      toSec: number,
      filter: (key: SeriesKey) => boolean,
      visit: (start: number, width: number, key: SeriesKey, data: Float64Array, offset: number) => void,
      visitReason?: (start: number, key: SeriesKey, reason: number, count: number) => void,
    ): void {
      const matches = new Int8Array(series.keys.length); // 0 unknown, 1 yes, -1 no
      const match = (id: number) => (matches[id] ||= filter(series.keys[id]!) ? 1 : -1) === 1;
      const read = (tier: Tier, from: number, to: number) => {
        for (let start = from; start < to; start += tier.width) {
          const b = tier.buckets.get(start);
          if (!b) continue;
          for (const [id, row] of b.index) if (match(id)) visit(start, tier.width, series.keys[id]!, b.data, row * STORED_FIELDS);
          if (b.reasons && visitReason) for (const [k, n] of b.reasons) if (match(Math.floor(k / R))) visitReason(start, series.keys[Math.floor(k / R)]!, k % R, n);
        }
      };
      if (toSec - fromSec <= SECOND_RETENTION_S) return read(seconds, fromSec, toSec);
      const split = Math.max(fromSec, Math.min(toSec, rolledUpTo));
      read(minutes, Math.floor(fromSec / 60) * 60, split);
      read(seconds, split, toSec);
    },

    /** Dirty buckets to persist: seconds older than `settledBeforeSec` (all with `all`), every dirty minute. */
    takeDirty(settledBeforeSec: number, all = false): TelemetryWrite {
      const take = (tier: Tier, ready: (start: number) => boolean) => {
        const out: BucketRecords[] = [];
        for (const start of tier.dirty) {
          if (!ready(start)) continue;
          tier.dirty.delete(start);
          const records = detach(tier, start);
          if (records) out.push(records);
        }
        return out;
      };
      return {
        seconds: take(seconds, (s) => all || s < settledBeforeSec),
        minutes: take(minutes, () => true),
        secondFloor: seconds.floor,
        minuteFloor: minutes.floor,
      };
    },

    /** Buckets whose write failed: written again next time (unless dropped meanwhile). */
    markDirty(tier: TierName, buckets: number[]): void {
      const t = tier === "1s" ? seconds : minutes;
      for (const b of buckets) if (t.buckets.has(b)) t.dirty.add(b);
    },

    /** Restores persisted buckets (before any ingest). `rolledUpTo`: start of the first minute not persisted as a minute. */
    load(tier: TierName, buckets: BucketRecords[]): void {
      const t = tier === "1s" ? seconds : minutes;
      for (const b of buckets) {
        for (const r of b.records) {
          const id = series.intern(r.key);
          if (id < 0) {
            droppedSeries++;
            continue;
          }
          const at = rowOf(t, b.bucket, id);
          if (!at) {
            series.forgetIfUnused(id);
            droppedRecords++;
            continue;
          }
          addInto(at.bucket.data, at.offset, r.values, 0, STORED_FIELDS);
          for (const [reason, n] of r.reasons) addReason(at.bucket, id, reason, n);
        }
        t.buckets.get(b.bucket)?.compact();
        t.dirty.delete(b.bucket);
      }
    },

    setRolledUpTo(start: number): void {
      rolledUpTo = Math.floor(start / 60) * 60;
    },
    rolledUpTo: () => rolledUpTo,

    sizes() {
      let bytes = series.approxBytes();
      for (const tier of [seconds, minutes]) {
        for (const b of tier.buckets.values()) bytes += b.data.byteLength + 120 + b.index.size * 36 + (b.reasons?.size ?? 0) * 36;
      }
      return {
        series: series.size,
        secondRecords: seconds.records,
        minuteRecords: minutes.records,
        approxBytes: bytes,
        droppedSeries,
        droppedRecords,
        evictedRecords: { "1s": seconds.evicted, "1m": minutes.evicted },
      };
    },
  };
}
