// The Prometheus backend against the built-in store on the same traffic: real sidecars
// (createSidecar) with real certificates in front of echo apps, a real Prometheus scraping their
// /metrics, and two controllers — one answering from its store, one (WEFT_TELEMETRY_BACKEND=
// prometheus) with PromQL. Both must report the same rates, error rates and p99 within what
// Prometheus' counter extrapolation allows; a dead Prometheus reads as "unreachable".
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ProxyAgent, request } from "undici";
import { createSidecar, type Sidecar } from "@weft/proxy";
import { loadConfig } from "@weft/proxy/env";
import { startEchoServer, type EchoServer } from "@weft/test-kit";
import { startTestController, waitFor, type TestController } from "./harness";
import { hasPrometheus, startPrometheus, type PrometheusServer } from "./prometheus-server";

const SCRAPE_MS = 250;
const MEASURED = 300;
let a: TestController; // built-in store; the sidecars' controller
let b: TestController; // Prometheus backend
let prometheus: PrometheusServer;
let agent: ProxyAgent;
const apps: EchoServer[] = [];
const sidecars: Sidecar[] = [];
/** Made in beforeAll, so a run without Prometheus (the suite skipped) leaves no directory behind. */
let stateDir = "";
let sent = 0;

/** A request from web's app to api, through web's sidecar (as its HTTP proxy). */
async function call(headers: Record<string, string> = {}): Promise<{ status: number; version: string }> {
  const res = await request("http://api/hello", { dispatcher: agent, headers });
  await res.body.dump();
  sent++;
  return { status: res.statusCode, version: String(res.headers["x-echo-version"] ?? "") };
}

describe.skipIf(!hasPrometheus())("Prometheus backend", () => {
  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), "weft-prom-test-"));
    a = await startTestController();
    const api = async <T>(method: string, path: string, body?: unknown) => {
      const res = await a.http(`/api/v1${path}`, { method, ...(body ? { body: JSON.stringify(body) } : {}) });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return (await res.json()) as T;
    };
    const tokens = new Map<string, string>();
    for (const [name, versions] of [["web", ["v1"]], ["api", ["v1", "v2"]]] as const) {
      const { service } = await api<{ service: { id: string } }>("POST", "/services", { name, port: 80 });
      for (const v of versions) await api("POST", `/services/${service.id}/versions`, { name: v });
      if (name === "api") await api("PUT", `/services/${service.id}/split`, { backends: [{ version: "v1", weight: 50 }, { version: "v2", weight: 50 }] });
      tokens.set(name, (await api<{ token: string }>("POST", "/workload-tokens", { service: name })).token);
    }
    for (const [name, version] of [["web", "v1"], ["api", "v1"], ["api", "v2"]] as const) {
      const app = await startEchoServer({ service: name, version });
      apps.push(app);
      sidecars.push(
        await createSidecar(
          loadConfig({
            WEFT_SERVICE: name,
            WEFT_VERSION: version,
            WEFT_APP_PORT: String(app.port),
            WEFT_SERVICE_PORT: "80",
            WEFT_INBOUND_PORT: "0",
            WEFT_OUTBOUND_PORT: "0",
            WEFT_ADMIN_PORT: "0",
            WEFT_CONTROLLER: a.controller.xdsAddress,
            WEFT_NODE_ID: `${name}-${version}`,
            WEFT_LOG_LEVEL: "silent",
            WEFT_JOIN_TOKEN: tokens.get(name)!,
            WEFT_STATE_DIR: join(stateDir, `${name}-${version}`),
            WEFT_REPORT_INTERVAL_MS: "200",
            WEFT_TRACE_SAMPLING: "1",
          }),
        ),
      );
    }
    agent = new ProxyAgent(`http://127.0.0.1:${sidecars[0]!.ports.outbound}`);
    await waitFor("api to answer through the mesh", async () => (await call()).status === 200, 20_000, 100);
    prometheus = await startPrometheus({ targets: sidecars.map((s) => `127.0.0.1:${s.ports.admin}`), scrapeIntervalMs: SCRAPE_MS });
    b = await startTestController({
      config: {
        telemetry: { backend: "prometheus", prometheus: { url: prometheus.url, scrapeIntervalSeconds: SCRAPE_MS / 1000 }, replica: "b", memoryMb: 16, maxSeries: 100, flushIntervalMs: 5000, traces: { maxSpans: 1000, maxBytes: 1 << 20 } },
      },
    });
    // The same mesh on b (its own database), so its graph has the same nodes.
    for (const [name, versions] of [["web", ["v1"]], ["api", ["v1", "v2"]]] as const) {
      const { service } = await b.api.services.create.mutate({ name, port: 80 });
      for (const v of versions) await b.api.versions.create.mutate({ serviceId: service.id, name: v });
    }
  }, 90_000);

  afterAll(async () => {
    await b?.close();
    await prometheus?.stop();
    await agent?.close();
    for (const s of sidecars.reverse()) await s.close();
    for (const app of apps) await app.close();
    await a?.close();
    if (stateDir) rmSync(stateDir, { recursive: true, force: true });
  });

  it("answers the graph and a service's series with the same numbers as the built-in store", async () => {
    // Every series (version x status) exists before Prometheus' first scrape of the measured
    // traffic: increase() cannot see what a series counted before its first sample.
    const seen = new Set<string>();
    let warm503 = 0;
    for (let i = 0; seen.size < 4 && i < 200; i++) {
      const r = await call(i % 2 ? { "x-echo-status": "503" } : {});
      seen.add(`${r.version}|${r.status}`);
      if (r.status === 503) warm503++;
    }
    expect(seen.size).toBe(4);
    const warm = sent;
    await waitFor("Prometheus to scrape the warm-up", async () => (await prometheus.value('sum(weft_requests_total{direction="outbound"})')) === warm, 20_000, 100);

    // The measured traffic: 10 % answered 503, a quarter slowed down by 40 ms.
    for (let i = 0; i < MEASURED; i += 10) {
      await Promise.all(
        Array.from({ length: 10 }, (_, j) => {
          const n = i + j;
          return call({ ...(n % 10 === 0 ? { "x-echo-status": "503" } : {}), ...(n % 4 === 0 ? { "x-echo-delay-ms": "40" } : {}) });
        }),
      );
    }
    const total = sent;
    await waitFor("Prometheus to scrape all of it", async () => (await prometheus.value('sum(weft_requests_total{direction="outbound"})')) === total, 20_000, 100);
    const builtinTotal = async () => {
      const g = await a.api.graph.get.query({ window: "5m" });
      return Math.round(g.edges.filter((e) => e.source === "web.default").reduce((n, e) => n + e.requestsPerSecond * g.windowSeconds, 0));
    };
    await waitFor("the built-in store to count all of it", async () => (await builtinTotal()) === total, 20_000, 100);
    // Prometheus extrapolates increase() by up to ~1.5 scrape intervals of the average rate:
    // with 10 s of samples at 4 scrapes a second that stays under 10 %.
    await waitFor("10 s of samples in Prometheus", async () => ((await prometheus.value('max(count_over_time(weft_requests_total{direction="outbound"}[5m]))')) ?? 0) >= 40, 60_000, 500);

    const [ga, gb] = [await a.api.graph.get.query({ window: "5m" }), await b.api.graph.get.query({ window: "5m" })];
    expect(gb.source).toEqual({ backend: "prometheus", state: "ok", detail: "" });
    const edges = (g: typeof ga) => g.edges.filter((e) => e.source === "web.default" && e.target === "api.default");
    expect(edges(ga).map((e) => e.targetVersion)).toEqual(["v1", "v2"]);
    expect(edges(gb).map((e) => e.targetVersion)).toEqual(["v1", "v2"]);
    for (const [ea, eb] of edges(ga).map((e, i) => [e, edges(gb)[i]!] as const)) {
      expect(eb.requestsPerSecond).toBeGreaterThan(ea.requestsPerSecond * 0.9);
      expect(eb.requestsPerSecond).toBeLessThan(ea.requestsPerSecond * 1.1);
      expect(eb.errorRate).toBeCloseTo(ea.errorRate, 1);
      expect(ea.errorRate).toBeGreaterThan(0.05);
      expect(ea.p99Ms!).toBeGreaterThan(25); // the 40 ms requests
      expect(eb.p99Ms!).toBeGreaterThan(ea.p99Ms! * 0.9);
      expect(eb.p99Ms!).toBeLessThan(ea.p99Ms! * 1.1);
    }

    const [ma, mb] = [await a.api.telemetry.service.query({ service: "api", window: "5m" }), await b.api.telemetry.service.query({ service: "api", window: "5m" })];
    expect(mb.source.state).toBe("ok");
    expect(mb.byVersion.map((s) => s.label)).toEqual(ma.byVersion.map((s) => s.label));
    expect(mb.byRoute.map((s) => s.label)).toEqual(ma.byRoute.map((s) => s.label));
    // The built-in store counts every 503 exactly, the warm-up's included; Prometheus' increase()
    // sees only what its series counted after their first sample (the measured 10 %), extrapolated.
    const upstream5xx = (m: typeof ma) => m.failuresByReason.find((f) => f.reason === "upstream_5xx")?.count ?? 0;
    const measured503 = MEASURED / 10;
    expect(upstream5xx(ma)).toBeGreaterThanOrEqual(warm503 + measured503);
    expect(upstream5xx(mb)).toBeGreaterThan(measured503 * 0.85);
    expect(upstream5xx(mb)).toBeLessThan(measured503 * 1.15);
    expect(mb.failuresByReason[0]!.reason).toBe("upstream_5xx");
    // Per-step points are increase() over each 5 s step: each carries up to ±2 scrape intervals of
    // extrapolation (±10 % at 0.25 s scrapes); their sum is compared with some margin over that.
    const requests = (m: typeof ma) => m.total.points.reduce((n, p) => n + p.requests, 0);
    expect(requests(mb)).toBeGreaterThan(requests(ma) * 0.85);
    expect(requests(mb)).toBeLessThan(requests(ma) * 1.15);
  });

  it("receives the sidecars' spans over OTLP and joins them into traces", async () => {
    const traces = await waitFor("traces through api", async () => {
      const found = await a.api.traces.search.query({ service: "api", window: "5m", limit: 5 });
      return found.some((t) => t.spanCount >= 2) ? found : undefined;
    }, 20_000, 200);
    const trace = await a.api.traces.byId.query({ traceId: traces!.find((t) => t.spanCount >= 2)!.traceId });
    expect(trace.spans.map((s) => s.name)).toEqual(expect.arrayContaining(["outbound api.default", "inbound api.default"]));
  });

  it("says Prometheus is unreachable when it does not answer", async () => {
    await prometheus.stop();
    const g = await b.api.graph.get.query({ window: "5m" });
    expect(g.source).toMatchObject({ backend: "prometheus", state: "unreachable", detail: expect.stringMatching(/^Prometheus at http:\/\/127\.0\.0\.1:\d+ did not answer: ECONNREFUSED/) });
    expect(g.edges).toEqual([]);
    expect(g.nodes.length).toBeGreaterThan(0);
    const m = await b.api.telemetry.service.query({ service: "api", window: "1h" });
    expect(m.source.state).toBe("unreachable");
    expect(m.total.points.every((p) => p.requestsPerSecond === 0)).toBe(true);
  });
});
