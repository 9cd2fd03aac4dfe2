// The access log of a running sidecar (WEFT_ACCESS_LOG=<file>): one JSON line per request in both
// directions, carrying the trace id the upstream saw; successes sampled, failures always logged;
// no query strings, no credentials.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";
import type { AccessLogLine } from "../src/telemetry/access-log";

let ads: AdsTestServer;
let app: EchoServer;
let reviews: EchoServer;
let sidecar: TestSidecar | undefined;
let dir: string;
let file: string;

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage" });
  reviews = await startEchoServer({ service: "reviews", version: "v1" });
  dir = mkdtempSync(join(tmpdir(), "weft-access-log-"));
  file = join(dir, "logs", "access.jsonl");
});

afterEach(async () => {
  await sidecar?.close();
  sidecar = undefined;
  await Promise.all([ads.close(), app.close(), reviews.close()]);
  rmSync(dir, { recursive: true, force: true });
});

async function start(sampling: string): Promise<TestSidecar> {
  const s = await startTestSidecar({ controller: ads.address, appPort: app.port, env: { WEFT_ACCESS_LOG: file, WEFT_ACCESS_LOG_SAMPLING: sampling } });
  sidecar = s;
  await waitForMesh(
    ads,
    setMesh(ads, {
      sidecar: { inboundPort: s.ports.inbound, outboundPort: s.ports.outbound, appPort: app.port },
      services: [{ name: "reviews", versions: { v1: [{ port: reviews.port }] }, routes: [{ name: "all", prefix: "/", cluster: "reviews.default|v1" }] }],
    }),
  );
  return s;
}

async function lines(): Promise<AccessLogLine[]> {
  await sidecar!.flushTelemetry();
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as AccessLogLine);
}

describe("access log", () => {
  it("one line per request, both directions, with the trace id the upstream saw", async () => {
    const sidecar = await start("1");
    await send(`${sidecar.outboundUrl}/books/1?api_key=secret`, { method: "POST", body: "hello", headers: { host: "reviews", authorization: "Bearer secret", cookie: "sid=secret" } });
    const traceparent = String(reviews.received.at(-1)!.headers.traceparent);
    await send(`${sidecar.inboundUrl}/index`, { headers: { "x-weft-source": "gateway.edge|v3" } });
    const [out, inbound] = await lines();
    expect(out).toMatchObject({
      traceId: traceparent.split("-")[1],
      traced: false,
      direction: "outbound",
      source: "productpage.default",
      sourceVersion: "v1",
      destination: "reviews.default",
      destinationVersion: "v1",
      route: "all",
      method: "POST",
      path: "/books/1",
      status: 200,
      grpcStatus: "",
      bytesIn: 5,
      upstream: `127.0.0.1:${reviews.port}`,
      attempts: 1,
      reason: null,
    });
    expect(out!.bytesOut).toBeGreaterThan(0);
    expect(out!.durationMs).toBeGreaterThan(0);
    expect(new Date(out!.time).getTime()).toBeLessThanOrEqual(sidecar.clock.now());
    expect(inbound).toMatchObject({ direction: "inbound", source: "gateway.edge", sourceVersion: "v3", destination: "productpage.default", route: "local", status: 200, upstream: `127.0.0.1:${app.port}` });
    expect(readFileSync(file, "utf8")).not.toContain("secret");
  });

  it("with sampling 0, successes are not logged but every failure is, with its reason", async () => {
    const sidecar = await start("0");
    for (let i = 0; i < 5; i++) await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } });
    await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews", "x-echo-status": "503" } });
    await send(`${sidecar.outboundUrl}/`, { headers: { host: "nowhere" } });
    const got = await lines();
    expect(got.map((l) => [l.status, l.reason])).toEqual([
      [503, "upstream_5xx"],
      [404, "no_route"],
    ]);
    const metrics = (await send(`${sidecar.adminUrl}/metrics`)).text;
    expect(metrics).toContain('weft_access_log_lines_total{result="written"} 2');
    expect(metrics).toContain('weft_access_log_lines_total{result="sampled_out"} 5');
  });

  it("a log file that cannot be opened stops the start with a configuration error naming it", async () => {
    writeFileSync(join(dir, "logs"), "a file where the directory should be");
    await expect(startTestSidecar({ controller: ads.address, appPort: app.port, env: { WEFT_ACCESS_LOG: file } })).rejects.toThrow(
      `invalid sidecar configuration:\n  WEFT_ACCESS_LOG: cannot open ${file} for appending`,
    );
  });
});
