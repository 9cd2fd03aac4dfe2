// The telemetry report stream against a real gRPC server: one report per interval (fake clock)
// with the deltas of that window (edges with reasons, the newest failures with their trace ids,
// dropped series), heartbeats when idle, nothing lost and memory bounded while the controller is away.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS, MAX_FAILURE_SAMPLES, type EdgeSample } from "@weft/contracts";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { nextEvent, send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";

let ads: AdsTestServer;
let app: EchoServer;
let reviews: EchoServer;
let sidecar: TestSidecar;
const extra: AdsTestServer[] = [];

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage" });
  reviews = await startEchoServer({ service: "reviews", version: "v1" });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port, env: { WEFT_REPORT_INTERVAL_MS: "1000" } });
});

afterEach(async () => {
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), reviews.close(), ...extra.splice(0).map((s) => s.close())]);
});

const mesh = (server: AdsTestServer) =>
  setMesh(server, {
    sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
    services: [{ name: "reviews", versions: { v1: [{ port: reviews.port }] }, routes: [{ name: "all", prefix: "/", cluster: "reviews.default|v1" }] }],
  });
const callReviews = () => send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } });
const total = (edges: EdgeSample[], pick: (e: EdgeSample) => number) => edges.reduce((s, e) => s + pick(e), 0);

describe("telemetry report stream", () => {
  it("reports the deltas of each window, then heartbeats when idle", async () => {
    await waitForMesh(ads, mesh(ads));
    for (let i = 0; i < 3; i++) await callReviews();
    await send(`${sidecar.outboundUrl}/`, { headers: { host: "ghost" } });
    const start = sidecar.clock.now();
    sidecar.clock.advance(1000);
    const first = await ads.waitForReport(() => true);
    expect(first).toMatchObject({ nodeId: "test-productpage", service: "productpage", namespace: "default", version: "v1", windowStartMs: start, windowMs: 1000 });
    const ok = first.edges.find((e) => e.statusClass === "2xx")!;
    expect(ok).toMatchObject({
      direction: "outbound",
      sourceService: "productpage",
      destinationService: "reviews",
      destinationNamespace: "default",
      destinationVersion: "v1",
      route: "all",
      requests: 3,
      failures: 0,
      requestBytes: 0,
    });
    expect(ok.durationBuckets).toHaveLength(LATENCY_BUCKETS_MS.length + 1);
    expect(ok.durationBuckets.reduce((a, b) => a + b, 0)).toBe(3);
    expect(ok.responseBytes).toBeGreaterThan(0);
    expect(first.edges.find((e) => e.statusClass === "4xx")).toMatchObject({ destinationService: "unknown", requests: 1, failures: 1 });

    // The next window carries only what happened since.
    await callReviews();
    sidecar.clock.advance(1000);
    const second = await ads.waitForReport(() => true, { from: 1 });
    expect(second.windowStartMs).toBe(start + 1000);
    expect(second.edges).toHaveLength(1);
    expect(second.edges[0]!.requests).toBe(1);

    sidecar.clock.advance(1000);
    const idle = await ads.waitForReport(() => true, { from: 2 });
    expect(idle.edges).toEqual([]);
    expect(idle.windowMs).toBe(1000);
  });

  it("keeps what happened while the controller was away and reports it once it is back", async () => {
    await sidecar.close();
    // 500 ms interval: a tick falls between the loss (t=500) and the first reconnect (t=500+750).
    sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port, env: { WEFT_REPORT_INTERVAL_MS: "500" } });
    await waitForMesh(ads, mesh(ads));
    await callReviews();
    const t0 = sidecar.clock.now();
    const acked = nextEvent(sidecar, "reportAck");
    sidecar.clock.advance(500);
    expect(total((await ads.waitForReport(() => true)).edges, (e) => e.requests)).toBe(1);
    expect(await acked).toEqual({ windowStartMs: t0 }); // settled: it will not be re-sent

    // Both streams notice and schedule their reconnect (synchronously with the event).
    const down = Promise.all([nextEvent(sidecar, "xdsConnection"), nextEvent(sidecar, "reportConnection")]);
    const port = ads.port;
    await ads.close();
    expect(await down).toEqual([false, false]);
    for (let i = 0; i < 4; i++) expect((await callReviews()).status).toBe(200);

    const back = await startAdsTestServer({ port });
    extra.push(back);
    mesh(back);
    const up = nextEvent(sidecar, "reportConnection");
    // t=1000: tick with no stream (window kept); t=1250: reconnect; t=1500: report.
    sidecar.clock.advance(1000);
    expect(await up).toBe(true);
    const report = await back.waitForReport(() => true);
    expect(total(report.edges, (e) => e.requests)).toBe(4);
    expect(report.windowStartMs).toBe(t0 + 500);
    expect(report.windowMs).toBe(1000); // two intervals aggregated into one report
  });

  it("carries failure reasons on edges, and the newest failures with their trace ids when traced", async () => {
    await waitForMesh(ads, mesh(ads));
    await callReviews();
    const traced = "4bf92f3577b34da6a3ce929d0e0e4736";
    expect((await send(`${sidecar.outboundUrl}/broken?token=secret`, { headers: { host: "reviews", "x-echo-status": "503", traceparent: `00-${traced}-00f067aa0ba902b7-01` } })).status).toBe(503);
    expect((await send(`${sidecar.outboundUrl}/broken`, { headers: { host: "reviews", "x-echo-status": "502" } })).status).toBe(502);
    const start = sidecar.clock.now();
    sidecar.clock.advance(1000);
    const report = await ads.waitForReport(() => true);
    expect(report.edges.find((e) => e.statusClass === "5xx")).toMatchObject({ requests: 2, failures: 2, reason: "upstream_5xx", grpcStatus: "" });
    expect(report.edges.find((e) => e.statusClass === "2xx")).toMatchObject({ requests: 1, failures: 0, reason: "" });
    expect(report.droppedSeries).toBe(0);
    expect(report.failures).toHaveLength(2);
    // Newest first; the sampled one carries its trace id (the unsampled one has none to open).
    expect(report.failures[0]).toMatchObject({ traceId: "", status: 502 });
    expect(report.failures[1]).toMatchObject({
      traceId: traced,
      direction: "outbound",
      sourceService: "productpage",
      destinationService: "reviews",
      destinationNamespace: "default",
      destinationVersion: "v1",
      route: "all",
      method: "GET",
      path: "/broken",
      status: 503,
      grpcStatus: "",
      reason: "upstream_5xx",
      upstream: `127.0.0.1:${reviews.port}`,
    });
    expect(report.failures[1]!.timeUnixMs).toBeLessThanOrEqual(start);
  });

  it("while the controller is away: windows merge, series stay capped (the rest counted as dropped), failures keep the newest", async () => {
    await waitForMesh(ads, mesh(ads));
    const port = ads.port;
    const down = nextEvent(sidecar, "reportConnection");
    await ads.close();
    expect(await down).toBe(false);
    // Away for 5 intervals: 2,050 distinct callers (each its own series) and 30 failures.
    const callers = 2_050;
    for (let i = 0; i < callers; i += 50) {
      await Promise.all(Array.from({ length: Math.min(50, callers - i) }, (_, k) => send(`${sidecar.inboundUrl}/`, { headers: { "x-weft-source": `caller-${i + k}.edge|v1` } })));
      if (i % 500 === 0) sidecar.clock.advance(1000);
    }
    for (let i = 0; i < 30; i++) await send(`${sidecar.outboundUrl}/`, { headers: { host: "nowhere" } });

    const back = await startAdsTestServer({ port });
    extra.push(back);
    mesh(back);
    const up = nextEvent(sidecar, "reportConnection");
    sidecar.clock.advance(8000);
    expect(await up).toBe(true);
    sidecar.clock.advance(1000);
    const report = await back.waitForReport(() => true);
    expect(total(report.edges, (e) => e.requests)).toBe(callers + 30); // nothing lost from the totals
    expect(report.edges.length).toBeLessThanOrEqual(2_000 + 10); // the cap, plus the overflow series
    expect(report.edges.some((e) => e.sourceService === "overflow")).toBe(true);
    expect(report.droppedSeries).toBeGreaterThanOrEqual(callers + 1 - 2_000);
    expect(report.failures).toHaveLength(MAX_FAILURE_SAMPLES);
    expect(report.failures.every((f) => f.reason === "no_route")).toBe(true);
    expect(report.windowMs).toBeGreaterThan(5000); // one merged window
  });
});
