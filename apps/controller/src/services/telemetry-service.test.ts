import { describe, expect, it } from "vitest";
import { createFakeClock, type FakeClock } from "@weft/test-kit";
import { edge, latency, meshSnapshot, report } from "./telemetry/report-fixture";
import { createTelemetryService, type TelemetryConfig } from "./telemetry-service";

const snapshot = meshSnapshot();

function setup(config: Partial<TelemetryConfig> = {}) {
  const clock = createFakeClock(1_700_000_000_000);
  const t = createTelemetryService({ clock, snapshot: () => snapshot, config });
  return { clock, t };
}

/** `seconds` one-second reports from each node, then the clock moves until the last one is settled. */
function run(clock: FakeClock, t: ReturnType<typeof setup>["t"], seconds: number, each: (second: number) => Parameters<typeof t.ingest>[0][]) {
  for (let s = 0; s < seconds; s++) {
    clock.advance(1000);
    for (const r of each(s)) t.ingest(r);
  }
  clock.advance(1000);
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
/** Requests in a series: the points' counts (a point's rate covers only the seconds it spans: the newest step may be partial). */
const count = (points: Array<{ requests: number }>) => sum(points.map((p) => p.requests));

describe("telemetry service (built-in store)", () => {
  it("counts every reported request on the right edge, once, however many sidecars saw it", async () => {
    const { clock, t } = setup();
    run(clock, t, 10, () => [
      report(clock.now(), {
        edges: [
          edge({ requests: 8 }),
          edge({ requests: 2, failures: 1, statusClass: "5xx", destinationVersion: "v2", reason: "upstream_5xx" }),
          edge({ direction: "inbound", sourceService: "", sourceNamespace: "", destinationService: "storefront", requests: 10 }),
        ],
      }),
      // The callee's sidecar reports the same calls inbound: they must not double the edge.
      report(clock.now(), { nodeId: "reviews-1", service: "reviews", edges: [edge({ direction: "inbound", requests: 8 })] }),
    ]);
    const g = await t.graph(10);
    expect(g.reportingProxies).toBe(2);
    expect(g.source).toMatchObject({ backend: "builtin", state: "ok" });
    expect(g.edges).toEqual([
      { source: "external", target: "storefront.default", targetVersion: "v1", requestsPerSecond: 10, errorRate: 0, p99Ms: expect.closeTo(9.95, 1) },
      { source: "storefront.default", target: "reviews.default", targetVersion: "v1", requestsPerSecond: 8, errorRate: 0, p99Ms: expect.any(Number) },
      { source: "storefront.default", target: "reviews.default", targetVersion: "v2", requestsPerSecond: 2, errorRate: 0.5, p99Ms: expect.any(Number) },
    ]);
    expect(g.nodes.find((n) => n.id === "reviews.default")).toMatchObject({ versions: ["v1", "v2"], reportingInstances: 1, requestsPerSecond: 8, health: "healthy" });
    expect(g.nodes[0]!.id).toBe("external");

    const m = await t.serviceMetrics({ service: "reviews", namespace: "default", window: "5m" });
    expect(m.stepSeconds).toBe(5);
    const total = (label: string, series = m.byVersion) => count(series.find((s) => s.label === label)!.points);
    expect(total("all", [m.total])).toBeCloseTo(100);
    expect(total("v1")).toBeCloseTo(80);
    expect(total("v2")).toBeCloseTo(20);
    expect(m.byRoute.map((s) => s.label)).toEqual(["default"]);
    expect(m.failuresByReason).toEqual([{ reason: "upstream_5xx", count: 10 }]);
  });

  it("shows injected latency in p99 and a 5xx series in the success rate", async () => {
    const { clock, t } = setup();
    run(clock, t, 5, () => [
      report(clock.now(), {
        edges: [
          // v2: 2 % of its requests took over a second.
          edge({ destinationVersion: "v2", requests: 98, durationBuckets: latency({ 10: 98 }) }),
          edge({ destinationVersion: "v2", requests: 2, durationBuckets: latency({ 2500: 2 }), durationSumMs: 4000 }),
          edge({ destinationVersion: "v1", requests: 100 }),
          edge({ destinationVersion: "v1", requests: 25, failures: 25, statusClass: "5xx", reason: "upstream_5xx" }),
        ],
      }),
    ]);
    const g = await t.graph(10);
    const v1 = g.edges.find((e) => e.targetVersion === "v1")!;
    const v2 = g.edges.find((e) => e.targetVersion === "v2")!;
    expect(v2.p99Ms!).toBeGreaterThan(1000);
    expect(v1.p99Ms!).toBeLessThanOrEqual(10);
    expect(v1.errorRate).toBeCloseTo(0.2);

    const m = await t.serviceMetrics({ service: "reviews", namespace: "default", window: "live" });
    const withTraffic = (label: string) => m.byVersion.find((s) => s.label === label)!.points.filter((p) => p.requestsPerSecond > 0);
    expect(withTraffic("v1").every((p) => p.successRate === 0.8)).toBe(true);
    expect(withTraffic("v2").every((p) => p.p99Ms! > 1000 && p.p50Ms! <= 10 && p.successRate === 1)).toBe(true);
    expect(m.total.points.filter((p) => p.requestsPerSecond === 0).every((p) => p.successRate === null && p.p99Ms === null)).toBe(true);
  });

  it("rolls seconds up into minutes and forgets each tier after its retention", async () => {
    const { clock, t } = setup();
    await t.start();
    run(clock, t, 120, () => [report(clock.now(), { edges: [edge({ requests: 3 })] })]);
    const requests = async (window: "5m" | "1h" | "7d") => {
      const m = await t.serviceMetrics({ service: "reviews", namespace: "default", window });
      return count(m.total.points);
    };
    expect(await requests("5m")).toBeCloseTo(360);
    // 20 minutes later the seconds are gone; the hour and the week read the rolled-up minutes.
    clock.advance(20 * 60_000);
    expect(await requests("5m")).toBe(0);
    expect(t.sizes().store.secondRecords).toBe(0);
    expect(t.sizes().store.minuteRecords).toBeGreaterThan(0);
    const hourGraph = await t.graphFor("1h");
    expect(hourGraph.edges[0]!.requestsPerSecond * hourGraph.windowSeconds).toBeCloseTo(360);
    expect((await t.serviceMetrics({ service: "reviews", namespace: "default", window: "1h" })).stepSeconds).toBe(60);
    expect(await requests("1h")).toBeCloseTo(360);
    expect(await requests("7d")).toBeCloseTo(360);
    // A week later nothing is left.
    clock.advance(7 * 86_400_000);
    expect((await t.graphFor("7d")).edges).toEqual([]);
    expect(t.sizes().store).toMatchObject({ series: 0, secondRecords: 0, minuteRecords: 0 });
    await t.stop();
  });

  it("forgets reporters outside the window and says why the graph is empty", async () => {
    const { clock, t } = setup();
    run(clock, t, 1, () => [report(clock.now(), { edges: [edge({ requests: 5 })] })]);
    expect((await t.graph(10)).edges).toHaveLength(1);
    clock.advance(30_000);
    const g = await t.graph(10);
    expect(g.edges).toEqual([]);
    expect(g.reportingProxies).toBe(0);
    expect(g.nodes.every((n) => n.health === "unknown")).toBe(true);
    expect(g.source).toMatchObject({ backend: "builtin", state: "no_reports", detail: expect.stringContaining("no sidecar reported") });
  });

  it("enforces the series cap and the record caps, evicting the oldest history first", async () => {
    const { clock, t } = setup({ limits: { maxSeries: 10, maxSecondRecords: 600, maxMinuteRecords: 1000 } });
    await t.start();
    clock.advance(1000);
    const r = t.ingest(report(clock.now(), { edges: Array.from({ length: 15 }, (_, i) => edge({ route: `r${i}` })) }));
    expect(r).toEqual({ series: 15, dropped: 5 });
    expect(t.sizes().store).toMatchObject({ series: 10, droppedSeries: 5 });
    // 5 series for 5 minutes = 1500 second-records > 600: older (rolled-up) seconds make room.
    run(clock, t, 300, () => [report(clock.now(), { edges: Array.from({ length: 5 }, (_, i) => edge({ route: `r${i}` })) })]);
    const sizes = t.sizes().store;
    expect(sizes.secondRecords).toBeLessThanOrEqual(600);
    expect(sizes.evictedRecords["1s"]).toBeGreaterThan(0);
    expect(sizes.droppedRecords).toBe(0);
    // Nothing was lost for the long windows: every request is in the rolled-up minutes.
    const hour = await t.serviceMetrics({ service: "reviews", namespace: "default", window: "1h" });
    expect(count(hour.total.points)).toBeCloseTo(1500 + 10);
    await t.stop();
  });

  it("counts TCP connections and bytes on a tcp route", async () => {
    const { clock, t } = setup();
    run(clock, t, 2, () => [
      report(clock.now(), {
        tcp: [{ direction: "outbound", sourceService: "storefront", sourceNamespace: "default", destinationService: "ratings", destinationNamespace: "default", destinationVersion: "v1", connectionsOpened: 3, connectionsClosed: 2, bytesSent: 300, bytesReceived: 6000 }],
      }),
    ]);
    const m = await t.serviceMetrics({ service: "ratings", namespace: "default", window: "live" });
    expect(m.byRoute.map((s) => s.label)).toEqual(["tcp"]);
    expect(sum(m.total.points.map((p) => p.requestsPerSecond))).toBe(6);
    expect(sum(m.total.points.map((p) => p.responseBytesPerSecond))).toBe(12_000);
  });

  it("answers per edge, and says which service does not exist", async () => {
    const { clock, t } = setup();
    run(clock, t, 3, () => [
      report(clock.now(), { edges: [edge({ requests: 4 }), edge({ requests: 1, sourceService: "other", sourceNamespace: "default" })] }),
    ]);
    const e = await t.edgeMetrics({ source: "storefront.default", target: "reviews.default", window: "live" });
    expect(e.edge).toEqual({ source: "storefront.default", target: "reviews.default" });
    expect(sum(e.total.points.map((p) => p.requestsPerSecond))).toBe(12);
    await expect(t.serviceMetrics({ service: "nope", namespace: "default", window: "5m" })).rejects.toThrow(/service nope.default does not exist/);
  });

  it("keeps recent failures per target service, newest first, each once", async () => {
    const { clock, t } = setup();
    const failure = (over: object) => ({
      timeUnixMs: clock.now(), traceId: "a".repeat(32), direction: "outbound" as const, sourceService: "storefront", destinationService: "reviews",
      destinationNamespace: "default", destinationVersion: "v2", route: "default", method: "GET", path: "/r", status: 503, grpcStatus: "",
      reason: "upstream_5xx" as const, durationMs: 12, upstream: "127.0.0.1:1", ...over,
    });
    t.ingest(report(clock.now(), { failures: [failure({ path: "/first" })] }));
    clock.advance(1000);
    t.ingest(report(clock.now(), { failures: [failure({ path: "/second" })] }));
    // The callee's view of the same meshed call is not listed twice.
    t.ingest(report(clock.now(), { nodeId: "reviews-1", failures: [failure({ direction: "inbound", path: "/second" })] }));
    const list = t.recentFailures({ service: "reviews", namespace: "default", limit: 50 });
    expect(list.map((f) => [f.path, f.nodeId])).toEqual([["/second", "storefront-1"], ["/first", "storefront-1"]]);
    expect(t.recentFailures({ service: "reviews", namespace: "default", limit: 1 }).map((f) => f.path)).toEqual(["/second"]);
  });

  it("pushes the live graph every second until the subscriber leaves, and bounds subscribers", async () => {
    const { clock, t } = setup({ maxLiveSubscriptions: 2 });
    const abort = new AbortController();
    const stream = t.watchGraph("live", abort.signal);
    const first = await stream.next();
    expect(first.value).toMatchObject({ windowSeconds: 10 });
    const second = stream.next();
    clock.advance(1000);
    expect((await second).value!.generatedAt).toBe(new Date(clock.now()).toISOString());
    expect(t.liveSubscriptions()).toBe(1);
    const pending = stream.next();
    abort.abort();
    expect((await pending).done).toBe(true);
    expect(t.liveSubscriptions()).toBe(0);

    // A third subscriber ends the oldest.
    const streams = [0, 1, 2].map(() => t.watchGraph("live", new AbortController().signal));
    for (const s of streams) await s.next();
    expect(t.liveSubscriptions()).toBe(2);
    expect((await streams[0]!.next()).done).toBe(true);
    await t.stop();
    expect((await streams[1]!.next()).done).toBe(true);
  });
});
