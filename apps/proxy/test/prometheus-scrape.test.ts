// A real Prometheus (Debian's 2.42, /usr/bin/prometheus) scrapes a sidecar's /metrics on loopback:
// the exposition parses (up == 1), request counters and histograms arrive with the REQUEST_LABELS
// the controller's Prometheus backend queries, and PromQL over them gives the numbers sent.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";
import { closedPort } from "./support/upstreams";

const PROMETHEUS = "/usr/bin/prometheus";

let ads: AdsTestServer;
let app: EchoServer;
let reviews: EchoServer;
let sidecar: TestSidecar;
let prometheus: ChildProcess | undefined;
let dir: string;

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage" });
  reviews = await startEchoServer({ service: "reviews", version: "v1" });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port });
  dir = mkdtempSync(join(tmpdir(), "weft-prometheus-"));
});

afterEach(async () => {
  if (prometheus && prometheus.exitCode === null) {
    const exited = new Promise((resolve) => prometheus!.once("exit", resolve));
    prometheus.kill("SIGTERM");
    await exited;
  }
  prometheus = undefined;
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), reviews.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function startPrometheus(target: string): Promise<string> {
  const config = join(dir, "prometheus.yml");
  writeFileSync(config, [
    "global:",
    "  scrape_interval: 200ms",
    "  scrape_timeout: 200ms",
    "scrape_configs:",
    "  - job_name: weft-sidecars",
    "    static_configs:",
    `      - targets: ["${target}"]`,
    "",
  ].join("\n"));
  const port = await closedPort();
  const stderr: string[] = [];
  prometheus = spawn(PROMETHEUS, [`--config.file=${config}`, `--storage.tsdb.path=${join(dir, "data")}`, `--web.listen-address=127.0.0.1:${port}`, "--log.level=warn"], { stdio: ["ignore", "ignore", "pipe"] });
  prometheus.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  // Bounded wait for an external process to start (not a timing assertion).
  const deadline = performance.now() + 20_000;
  while ((await send(`${url}/-/ready`).catch(() => ({ status: 0 }))).status !== 200) {
    if (prometheus.exitCode !== null || performance.now() > deadline) throw new Error(`Prometheus did not become ready: ${stderr.join("").slice(-1000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return url;
}

/** The value of an instant PromQL query with one result, undefined while there is none. */
async function query(url: string, promql: string): Promise<number | undefined> {
  const r = await send(`${url}/api/v1/query?query=${encodeURIComponent(promql)}`);
  const result = r.json().data?.result as Array<{ value: [number, string] }> | undefined;
  return result && result.length === 1 ? Number(result[0]!.value[1]) : undefined;
}

describe.skipIf(!existsSync(PROMETHEUS))("Prometheus scraping a sidecar", () => {
  it("scrapes /metrics: counters and histograms by REQUEST_LABELS, queryable with PromQL", async () => {
    await waitForMesh(
      ads,
      setMesh(ads, {
        sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
        services: [{ name: "reviews", versions: { v1: [{ port: reviews.port }] }, routes: [{ name: "all", prefix: "/", cluster: "reviews.default|v1" }] }],
      }),
    );
    const N = 9;
    for (let i = 0; i < N; i++) await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews", "x-echo-delay-ms": i < 3 ? "30" : "0" } });
    for (let i = 0; i < 2; i++) await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews", "x-echo-status": "503" } });
    const url = await startPrometheus(`127.0.0.1:${sidecar.ports.admin}`);
    const ok = 'direction="outbound",destination_service="reviews",destination_version="v1",route="all",status_class="2xx",grpc_status="",reason=""';
    await expect.poll(() => query(url, `weft_requests_total{${ok}}`), { timeout: 15_000, interval: 200 }).toBe(N);
    expect(await query(url, 'up{job="weft-sidecars"}')).toBe(1);
    expect(await query(url, `weft_request_duration_seconds_count{${ok}}`)).toBe(N);
    expect(await query(url, `weft_request_duration_seconds_bucket{${ok},le="+Inf"}`)).toBe(N);
    // The three delayed requests took at least 30 ms: at most N - 3 in the buckets up to 25 ms.
    expect(await query(url, `weft_request_duration_seconds_bucket{${ok},le="0.025"}`)).toBeLessThanOrEqual(N - 3);
    // What the controller's Prometheus backend asks: failures by reason, success ratio.
    expect(await query(url, 'sum by (reason) (weft_requests_total{destination_service="reviews",reason!=""})')).toBe(2);
    expect(await query(url, 'sum(weft_requests_total{destination_service="reviews",reason=""}) / sum(weft_requests_total{destination_service="reviews"})')).toBeCloseTo(N / (N + 2), 5);
    expect(await query(url, 'weft_telemetry_series{kind="request"}')).toBe(2);
  });
});
