import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS } from "@weft/contracts";
import { bucketIndex, createEdgeStats } from "./edge-stats";
import type { RequestRecord } from "../core/events";
import { makeContext } from "../../test/support/runtime";

function record(over: { status?: number; durationMs?: number; errorCode?: string; source?: string; route?: string; bytes?: [number, number] } = {}): RequestRecord {
  const ctx = makeContext({});
  ctx.status = over.status ?? 200;
  ctx.durationMs = over.durationMs ?? 3;
  ctx.errorCode = over.errorCode as never;
  ctx.source = { service: over.source ?? "productpage", namespace: "default", version: "v1" };
  ctx.destination = { service: "reviews", namespace: "default", version: "v2" };
  ctx.route = over.route === undefined ? undefined : ({ name: over.route } as never);
  [ctx.requestBytes, ctx.responseBytes] = over.bytes ?? [0, 0];
  return ctx;
}

describe("edge stats", () => {
  it("buckets latency on LATENCY_BUCKETS_MS upper bounds, then +Inf", () => {
    expect(bucketIndex(0.2)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.01)).toBe(1);
    expect(bucketIndex(10_000)).toBe(LATENCY_BUCKETS_MS.length - 1);
    expect(bucketIndex(10_001)).toBe(LATENCY_BUCKETS_MS.length);
  });

  it("aggregates per edge and status class, counting 5xx and local errors as failures", () => {
    const stats = createEdgeStats();
    stats.record(record({ route: "default", bytes: [10, 100] }));
    stats.record(record({ route: "default", durationMs: 30, bytes: [5, 50] }));
    stats.record(record({ route: "default", status: 503, errorCode: "WEFT_NO_HEALTHY_ENDPOINT" }));
    stats.record(record({ route: "default", status: 502 }));
    const window = stats.takeWindow();
    expect(window).toHaveLength(2);
    const ok = window.find((e) => e.statusClass === "2xx")!;
    expect(ok).toMatchObject({ requests: 2, failures: 0, durationSumMs: 33, requestBytes: 15, responseBytes: 150, route: "default", destinationVersion: "v2" });
    expect(ok.durationBuckets[bucketIndex(3)]).toBe(1);
    expect(ok.durationBuckets[bucketIndex(30)]).toBe(1);
    expect(window.find((e) => e.statusClass === "5xx")).toMatchObject({ requests: 2, failures: 2 });
    expect(stats.takeWindow()).toEqual([]); // deltas reset, cumulative kept
    expect([...stats.series()].reduce((n, s) => n + s.requests, 0)).toBe(4);
    expect([...stats.localReplies()]).toEqual([["outbound", "WEFT_NO_HEALTHY_ENDPOINT", 1]]);
  });

  it("puts an undelivered window back into the current one", () => {
    const stats = createEdgeStats();
    stats.record(record({ bytes: [1, 2] }));
    const lost = stats.takeWindow();
    stats.record(record({ bytes: [1, 2] }));
    stats.restoreWindow(lost);
    const [edge] = stats.takeWindow();
    expect(edge).toMatchObject({ requests: 2, requestBytes: 2, responseBytes: 4 });
    expect(edge!.durationBuckets.reduce((a, b) => a + b, 0)).toBe(2);
    expect([...stats.series()][0]!.requests).toBe(2); // cumulative counted once
  });

  it("caps the number of series, folding the rest into an overflow series", () => {
    const stats = createEdgeStats({ maxSeries: 3 });
    for (let i = 0; i < 10; i++) stats.record(record({ source: `caller-${i}` }));
    expect(stats.size).toBe(4); // 3 + one overflow per direction/status class
    const overflow = [...stats.series()].find((s) => s.labels.sourceService === "overflow")!;
    expect(overflow.requests).toBe(7);
  });
});
