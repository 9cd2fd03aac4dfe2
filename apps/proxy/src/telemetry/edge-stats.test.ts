import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS, type FailureReason } from "@weft/contracts";
import { bucketIndex, createEdgeStats, type EdgeStats } from "./edge-stats";
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

const add = (stats: EdgeStats, r: RequestRecord, reason: FailureReason | "" = "", grpc = "") => stats.record(r, reason, grpc);

describe("edge stats", () => {
  it("buckets latency on LATENCY_BUCKETS_MS upper bounds, then +Inf", () => {
    expect(bucketIndex(0.2)).toBe(0);
    expect(bucketIndex(1)).toBe(0);
    expect(bucketIndex(1.01)).toBe(1);
    expect(bucketIndex(10_000)).toBe(LATENCY_BUCKETS_MS.length - 1);
    expect(bucketIndex(10_001)).toBe(LATENCY_BUCKETS_MS.length);
  });

  it("aggregates per edge, status class, gRPC status and reason; failures are the requests with a reason", () => {
    const stats = createEdgeStats();
    add(stats, record({ route: "default", bytes: [10, 100] }));
    add(stats, record({ route: "default", durationMs: 30, bytes: [5, 50] }));
    add(stats, record({ route: "default", status: 503, errorCode: "WEFT_NO_HEALTHY_ENDPOINT" }), "no_healthy_endpoint");
    add(stats, record({ route: "default", status: 502 }), "upstream_5xx");
    add(stats, record({ route: "default", status: 502 }), "upstream_5xx");
    add(stats, record({ route: "default", status: 200 }), "", "NOT_FOUND");
    const { edges, droppedSeries } = stats.takeWindow();
    expect(droppedSeries).toBe(0);
    expect(edges).toHaveLength(4);
    const ok = edges.find((e) => e.statusClass === "2xx" && e.grpcStatus === "")!;
    expect(ok).toMatchObject({ requests: 2, failures: 0, durationSumMs: 33, requestBytes: 15, responseBytes: 150, route: "default", destinationVersion: "v2", reason: "" });
    expect(ok.durationBuckets[bucketIndex(3)]).toBe(1);
    expect(ok.durationBuckets[bucketIndex(30)]).toBe(1);
    expect(edges.find((e) => e.reason === "no_healthy_endpoint")).toMatchObject({ statusClass: "5xx", requests: 1, failures: 1 });
    expect(edges.find((e) => e.reason === "upstream_5xx")).toMatchObject({ statusClass: "5xx", requests: 2, failures: 2 });
    expect(edges.find((e) => e.grpcStatus === "NOT_FOUND")).toMatchObject({ requests: 1, failures: 0 });
    expect(stats.takeWindow().edges).toEqual([]); // deltas reset, cumulative kept
    expect([...stats.series()].reduce((n, s) => n + s.requests, 0)).toBe(6);
    expect([...stats.localReplies()]).toEqual([["outbound", "WEFT_NO_HEALTHY_ENDPOINT", 1]]);
  });

  it("puts an undelivered window back into the current one", () => {
    const stats = createEdgeStats();
    add(stats, record({ bytes: [1, 2] }));
    const lost = stats.takeWindow();
    add(stats, record({ bytes: [1, 2] }));
    stats.restoreWindow(lost);
    const [edge] = stats.takeWindow().edges;
    expect(edge).toMatchObject({ requests: 2, requestBytes: 2, responseBytes: 4 });
    expect(edge!.durationBuckets.reduce((a, b) => a + b, 0)).toBe(2);
    expect([...stats.series()][0]!.requests).toBe(2); // cumulative counted once
  });

  it("caps the number of series: the rest folds into an overflow series and counts as dropped series, once per label set and window", () => {
    const stats = createEdgeStats({ maxSeries: 3 });
    for (let i = 0; i < 10; i++) add(stats, record({ source: `caller-${i}` }));
    add(stats, record({ source: "caller-9" }));
    expect(stats.size).toBe(4); // 3 + one overflow per direction/status class
    const overflow = [...stats.series()].find((s) => s.labels.sourceService === "overflow")!;
    expect(overflow.requests).toBe(8);
    expect(stats.overflowRequests).toBe(8);
    const window = stats.takeWindow();
    expect(window.droppedSeries).toBe(7);
    expect(window.edges.reduce((n, e) => n + e.requests, 0)).toBe(11); // nothing lost from the totals
    // A window put back keeps its dropped count, and its overflow edge returns to the overflow series.
    stats.restoreWindow(window);
    const again = stats.takeWindow();
    expect(again.droppedSeries).toBe(7);
    expect(again.edges.find((e) => e.sourceService === "overflow")!.requests).toBe(8);
    expect(stats.size).toBe(4);
  });
});
