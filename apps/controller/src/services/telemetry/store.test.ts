import { describe, expect, it } from "vitest";
import { LATENCY_SLOTS, REQUESTS, STORED_FIELDS, type SeriesKey } from "./record";
import { createTelemetryStore, ROLLUP_GRACE_S, type Delta } from "./store";

const T0 = 1_800_000_000 - (1_800_000_000 % 60); // a minute boundary, Unix seconds
const key: SeriesKey = { direction: "outbound", source: "storefront.default", target: "reviews.default", targetVersion: "v1", route: "default" };
const delta = (requests: number, reason = -1, failures = 0): Delta => ({ requests, failures, durationSumMs: 0, requestBytes: 0, responseBytes: 0, latency: new Array(LATENCY_SLOTS).fill(0), reason });
const limits = { maxSeries: 100, maxSecondRecords: 10_000, maxMinuteRecords: 10_000 };

function requestsIn(store: ReturnType<typeof createTelemetryStore>, from: number, to: number): number {
  let n = 0;
  store.scan(from, to, () => true, (_s, _w, _k, data, offset) => void (n += data[offset + REQUESTS]!));
  return n;
}

describe("telemetry store", () => {
  it("adds a late sample to its already rolled-up minute as well as to its second", () => {
    const store = createTelemetryStore(limits, T0);
    store.add(T0 + 10, key, delta(5));
    store.tick(T0 + 60 + ROLLUP_GRACE_S);
    expect(store.rolledUpTo()).toBe(T0 + 60);
    store.add(T0 + 20, key, delta(7)); // arrives after the rollup
    expect(requestsIn(store, T0, T0 + 60)).toBe(12); // the seconds
    expect(requestsIn(store, T0 - 3600, T0 + 60)).toBe(12); // the minute (a range longer than 15 min reads minutes)
  });

  it("refuses samples older than both retentions, and new series beyond the cap", () => {
    const store = createTelemetryStore({ ...limits, maxSeries: 1 }, T0);
    store.tick(T0 + 8 * 86_400);
    expect(store.add(T0, key, delta(1))).toBe(false);
    expect(store.add(T0 + 8 * 86_400 - 1, key, delta(1))).toBe(true);
    expect(store.add(T0 + 8 * 86_400 - 1, { ...key, route: "other" }, delta(1))).toBe(false);
    expect(store.sizes()).toMatchObject({ series: 1, droppedSeries: 1, droppedRecords: 1 });
  });

  it("hands dirty buckets to the write-behind once, and loads them back into an empty store", () => {
    const store = createTelemetryStore(limits, T0);
    for (let s = 0; s < 90; s++) store.add(T0 + s, key, delta(2, 0, 1));
    store.tick(T0 + 90);
    const batch = store.takeDirty(T0 + 88);
    expect(batch.seconds.map((b) => b.bucket)).toEqual(Array.from({ length: 88 }, (_, s) => T0 + s));
    expect(batch.minutes.map((b) => b.bucket)).toEqual([T0]);
    expect(batch.seconds[0]!.records[0]).toEqual({ key, values: expect.any(Float64Array), reasons: [[0, 1]] });
    expect(batch.seconds[0]!.records[0]!.values).toHaveLength(STORED_FIELDS);
    expect(store.takeDirty(T0 + 88).seconds).toEqual([]); // nothing new
    const rest = store.takeDirty(T0 + 88, true);
    expect(rest.seconds.map((b) => b.bucket)).toEqual([T0 + 88, T0 + 89]);

    const restored = createTelemetryStore(limits, T0 + 90);
    restored.setRolledUpTo(T0 + 60);
    restored.load("1m", batch.minutes);
    restored.load("1s", [...batch.seconds, ...rest.seconds]);
    expect(requestsIn(restored, T0, T0 + 90)).toBe(180);
    expect(requestsIn(restored, T0 - 3600, T0 + 90)).toBe(180); // minute 0 + the unrolled seconds 60..89
    expect(restored.takeDirty(T0 + 90, true).seconds).toEqual([]); // loaded data is not dirty
  });
});
