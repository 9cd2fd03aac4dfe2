// Telemetry end to end through the real controller: reports over the real gRPC stream, answers over
// tRPC and REST, the store written behind to the real database and read back after a restart.
import { afterEach, describe, expect, it } from "vitest";
import { createFakeClock, createTestDatabase, type FakeClock } from "@weft/test-kit";
import { edge, latency, report } from "../src/services/telemetry/report-fixture";
import { startTestController, type TestController } from "./harness";
import { reportClient, type ReportClient } from "./report-client";

/** On a minute boundary, so the test reads as minutes. */
const T0 = Date.UTC(2026, 0, 5, 12, 0, 0);
let t: TestController | undefined;
let rc: ReportClient | undefined;

afterEach(async () => {
  rc?.close();
  rc = undefined;
  await t?.close();
  t = undefined;
});

async function mesh(t: TestController) {
  for (const [name, versions] of [["storefront", ["v1"]], ["reviews", ["v1", "v2"]]] as const) {
    const { service } = await t.api.services.create.mutate({ name, port: 80 });
    for (const v of versions) await t.api.versions.create.mutate({ serviceId: service.id, name: v });
  }
}

/** One report per second for `seconds` seconds, each acknowledged, then the last one settles. */
async function traffic(clock: FakeClock, client: ReportClient, seconds: number, edges: (s: number) => Parameters<typeof report>[1]) {
  for (let s = 0; s < seconds; s++) {
    clock.advance(1000);
    await client.send(report(clock.now(), edges(s)));
  }
  clock.advance(1000);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const count = (clock: FakeClock, points: Array<{ t: number; requestsPerSecond: number }>, step: number) => {
  const toSec = Math.floor(clock.now() / 1000) - 1;
  return sum(points.map((p) => p.requestsPerSecond * Math.max(1, Math.min(step, toSec - p.t / 1000))));
};

describe("telemetry API", () => {
  it("counts reported requests on the right edge, over tRPC and REST", async () => {
    const clock = createFakeClock(T0);
    t = await startTestController({ clock });
    await mesh(t);
    rc = reportClient(t.controller.xdsAddress);
    const failure = { timeUnixMs: T0, traceId: "ab".repeat(16), direction: "outbound" as const, sourceService: "storefront", destinationService: "reviews", destinationNamespace: "default", destinationVersion: "v2", route: "default", method: "GET", path: "/reviews/1", status: 504, grpcStatus: "", reason: "upstream_timeout" as const, durationMs: 1000, upstream: "127.0.0.1:9" };
    await traffic(clock, rc, 10, (s) => ({
      edges: [
        edge({ requests: 7 }),
        edge({ destinationVersion: "v2", requests: 3, failures: 1, statusClass: "5xx", reason: "upstream_timeout", durationBuckets: latency({ 10: 2, 1000: 1 }) }),
      ],
      failures: s === 9 ? [failure] : [],
    }));
    expect(t.controller.services.proxies.lastReportAt("storefront-1")).toBe(T0 + 10_000);

    const graph = await t.api.graph.get.query({ window: "5m" });
    const byVersion = Object.fromEntries(graph.edges.map((e) => [e.targetVersion, Math.round(e.requestsPerSecond * graph.windowSeconds)]));
    expect(byVersion).toEqual({ v1: 70, v2: 30 });
    expect(graph.edges.find((e) => e.targetVersion === "v2")!.errorRate).toBeCloseTo(1 / 3);
    expect(graph.source).toEqual({ backend: "builtin", state: "ok", detail: "1 sidecar reported in this window" });

    const res = await t.http("/api/v1/telemetry/services/reviews?namespace=default&window=5m");
    expect(res.status).toBe(200);
    const metrics = (await res.json()) as any;
    expect(count(clock, metrics.total.points, metrics.stepSeconds)).toBeCloseTo(100);
    expect(metrics.byVersion.map((s: any) => [s.label, Math.round(count(clock, s.points, metrics.stepSeconds))])).toEqual([["v1", 70], ["v2", 30]]);
    expect(metrics.failuresByReason).toEqual([{ reason: "upstream_timeout", count: 10 }]);
    expect(metrics.source.state).toBe("ok");

    const edgeRes = (await (await t.http("/api/v1/telemetry/edges?source=storefront.default&target=reviews.default&window=live")).json()) as any;
    expect(edgeRes.edge).toEqual({ source: "storefront.default", target: "reviews.default" });
    expect(sum(edgeRes.total.points.map((p: any) => p.requestsPerSecond))).toBe(100);
    expect(Math.max(...edgeRes.byVersion.find((s: any) => s.label === "v2").points.map((p: any) => p.p99Ms ?? 0))).toBeGreaterThan(250);

    const failures = (await (await t.http("/api/v1/telemetry/services/reviews/failures?namespace=default&limit=5")).json()) as any[];
    expect(failures).toEqual([{ ...failure, nodeId: "storefront-1" }]);

    const bad = await t.http("/api/v1/telemetry/services/reviews?window=2h");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as any).message).toMatch(/window: must be one of live, 5m, 1h, 24h, 7d/);
    expect((await t.http("/api/v1/telemetry/services/nope?window=5m")).status).toBe(404);
  });

  it("refuses an oversized report or an overlong label, naming the field", async () => {
    t = await startTestController();
    rc = reportClient(t.controller.xdsAddress);
    const now = Date.now();
    await expect(rc.send(report(now, { edges: Array.from({ length: 10_001 }, () => edge()) }))).rejects.toMatchObject({ code: 3, details: expect.stringMatching(/^invalid telemetry report: edges: Too big/) });
    rc.close();
    rc = reportClient(t.controller.xdsAddress);
    await expect(rc.send(report(now, { edges: [edge(), edge({ route: "r".repeat(300) })] }))).rejects.toMatchObject({ details: "invalid telemetry report: edges.1.route: longer than 253 characters" });
    expect((await t.api.graph.get.query({ window: "live" })).edges).toEqual([]);
  });

  it("writes behind in batches, and a restarted controller still answers the last 15 minutes and 7 days", async () => {
    const database = await createTestDatabase();
    try {
      const clock = createFakeClock(T0);
      t = await startTestController({ clock, database });
      await mesh(t);
      rc = reportClient(t.controller.xdsAddress);
      const rows = async () => ({ seconds: await database.db.telemetrySecond.count(), minutes: await database.db.telemetryMinute.count() });

      // No write per report: nothing reaches the database before the write-behind runs (every 5 s).
      await traffic(clock, rc, 2, () => ({ edges: [edge({ requests: 4 })] }));
      expect(await rows()).toEqual({ seconds: 0, minutes: 0 });
      clock.advance(2000);
      await t.controller.services.telemetry.flush(); // waits for the write the 5th tick queued
      expect((await rows()).seconds).toBe(2); // one row per second

      await traffic(clock, rc, 150, (s) => ({ edges: [edge({ requests: 4 }), edge({ destinationVersion: "v2", requests: s % 2 })] }));
      clock.advance(70_000); // the last minute with traffic is rolled up too
      await t.controller.services.telemetry.flush();
      const persisted = await rows();
      expect(persisted.seconds).toBeGreaterThan(150);
      expect(persisted.minutes).toBeGreaterThanOrEqual(3);

      const answers = async () => ({
        graph5m: (await t!.api.graph.get.query({ window: "5m" })).edges,
        week: await t!.api.telemetry.service.query({ service: "reviews", window: "7d" }),
        hour: await t!.api.telemetry.service.query({ service: "reviews", window: "1h" }),
        fiveMinutes: await t!.api.telemetry.service.query({ service: "reviews", window: "5m" }),
      });
      const before = await answers();
      expect(count(clock, before.week.total.points, 3600)).toBeCloseTo(152 * 4 + 75);
      expect(count(clock, before.hour.total.points, 60)).toBeCloseTo(152 * 4 + 75);

      rc.close();
      rc = undefined;
      await t.close();
      t = await startTestController({ clock, database });
      const after = await answers();
      expect(after.graph5m).toEqual(before.graph5m);
      for (const k of ["week", "hour", "fiveMinutes"] as const) {
        expect({ ...after[k], source: null }).toEqual({ ...before[k], source: null });
        expect(after[k].source).toMatchObject({ state: "ok", detail: expect.stringMatching(/^stored telemetry/) });
      }
    } finally {
      await t?.close();
      t = undefined;
      await database.drop();
    }
  });
});
