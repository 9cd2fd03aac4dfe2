// Admin endpoints: /live, /ready before and after config, /metrics after traffic, /config_dump.
import { execFileSync } from "node:child_process";
import { closeSync, constants, mkdtempSync, openSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { closedPort } from "./support/upstreams";
import { setMesh } from "./support/xds-fixtures";
import { CONFIG_FILE } from "../src/discovery/persist-config";

let ads: AdsTestServer;
let app: EchoServer;
let reviews: EchoServer;
let sidecar: TestSidecar;

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage" });
  reviews = await startEchoServer({ service: "reviews", version: "v1" });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port });
});

afterEach(async () => {
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), reviews.close()]);
});

const mesh = () =>
  setMesh(ads, {
    sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
    services: [{ name: "reviews", versions: { v1: [{ port: reviews.port }] }, routes: [{ name: "all", prefix: "/", cluster: "reviews.default|v1" }] }],
  });

describe("admin", () => {
  it("is live from the start and ready only once both listeners have config", async () => {
    expect((await send(`${sidecar.adminUrl}/live`)).status).toBe(200);
    const before = await send(`${sidecar.adminUrl}/ready`);
    expect(before.status).toBe(503);
    expect(before.json()).toMatchObject({
      ready: false,
      reason: `waiting for listener "weft.inbound" and listener "weft.outbound" from the controller at ${ads.address}`,
    });
    await waitForMesh(ads, mesh());
    const after = await send(`${sidecar.adminUrl}/ready`);
    expect(after.status).toBe(200);
    expect(after.json()).toEqual({ ready: true, source: "controller", since: new Date(sidecar.clock.now()).toISOString(), controllerConnected: true });
  });

  it("counts requests on /metrics by edge, with a latency histogram and bytes", async () => {
    await waitForMesh(ads, mesh());
    const N = 5;
    for (let i = 0; i < N; i++) expect((await send(`${sidecar.outboundUrl}/r/${i}`, { headers: { host: "reviews" } })).status).toBe(200);
    await send(`${sidecar.outboundUrl}/`, { headers: { host: "nowhere" } });
    await send(`${sidecar.inboundUrl}/`, { headers: { "x-weft-source": "gateway.edge|v3" } });
    const res = await send(`${sidecar.adminUrl}/metrics`);
    expect(res.headers["content-type"]).toContain("text/plain");
    const text = res.text;
    const out =
      'direction="outbound",source_service="productpage",source_namespace="default",source_version="v1",' +
      'destination_service="reviews",destination_namespace="default",destination_version="v1",route="all",status_class="2xx",grpc_status="",reason=""';
    expect(text).toContain(`weft_requests_total{${out}} ${N}`);
    expect(text).toContain(`weft_request_duration_seconds_count{${out}} ${N}`);
    expect(text).toContain(`weft_request_duration_seconds_bucket{${out},le="+Inf"} ${N}`);
    expect(text).toMatch(new RegExp(`weft_response_bytes_total\\{${out.replace(/[|]/g, "\\|")}\\} [1-9]\\d*`));
    expect(text).toContain(
      'weft_requests_total{direction="outbound",source_service="productpage",source_namespace="default",source_version="v1",' +
        'destination_service="unknown",destination_namespace="",destination_version="",route="",status_class="4xx",grpc_status="",reason="no_route"} 1',
    );
    expect(text).toContain('weft_local_replies_total{direction="outbound",code="WEFT_ROUTE_NOT_FOUND"} 1');
    expect(text).toContain(
      'weft_requests_total{direction="inbound",source_service="gateway",source_namespace="edge",source_version="v3",' +
        'destination_service="productpage",destination_namespace="default",destination_version="v1",route="local",status_class="2xx",grpc_status="",reason=""} 1',
    );
    expect(text).toMatch(/^weft_xds_connected 1$/m);
    expect(text).toMatch(/^weft_xds_updates_total\{type="CDS",result="ack"\} 1$/m);
    expect(text).not.toContain("/r/"); // no paths as labels
  });

  it("dumps the node, xDS versions and the translated config", async () => {
    const versions = mesh();
    await waitForMesh(ads, versions);
    const d = (await send(`${sidecar.adminUrl}/config_dump`)).json();
    expect(d.node.id).toBe("test-productpage");
    expect(d.node.metadata.outbound.port).toBe(sidecar.ports.outbound);
    expect(d.xds.types.find((t: any) => t.type === "CDS")).toMatchObject({ ackedVersion: versions.cds, wildcard: true });
    expect(d.config.listeners.map((l: any) => [l.name, l.port, l.routeConfigName])).toEqual([
      ["weft.inbound", sidecar.ports.inbound, "weft.inbound"],
      ["weft.outbound", sidecar.ports.outbound, "weft.outbound"],
    ]);
    const out = d.config.routes.find((r: any) => r.name === "weft.outbound");
    expect(out.virtualHosts[0].routes[0]).toEqual({
      name: "all",
      match: { path: { kind: "prefix", value: "/", ignoreCase: false }, headers: [] },
      clusters: [{ name: "reviews.default|v1", weight: 1 }],
    });
    const v1 = d.config.clusters.find((c: any) => c.name === "reviews.default|v1");
    expect(v1).toMatchObject({ kind: "eds", healthy: 1, endpoints: [{ address: "127.0.0.1", port: reviews.port, weight: 1, health: "healthy" }] });
    const local = d.config.clusters.find((c: any) => c.name === "weft.inbound|local");
    expect(local).toMatchObject({ kind: "static", endpoints: [{ port: app.port }] });
    expect(d.telemetry).toEqual({
      reportsAcked: 0,
      traceSampling: 0,
      otlpEndpoints: [{ protocol: "grpc", url: `http://${ads.address}` }],
      accessLog: { target: "off", sampling: 1 },
    });
  });

  it("answers 404 naming the endpoints for anything else", async () => {
    const r = await send(`${sidecar.adminUrl}/stats`);
    expect(r.status).toBe(404);
    expect(r.json().error).toContain("/config_dump");
  });
});

/** Ends a FIFO's reader's wait with an empty read; never blocks (no reader: nothing to release). */
function releaseFifo(path: string): void {
  try {
    closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "ENXIO") throw err;
  }
}

describe("admin while the sidecar starts", () => {
  it("answers /ready and /config_dump with 503 'starting' before the state directory is read, without crashing", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "weft-starting-"));
    // The saved config as a FIFO: reading it blocks until the test writes, holding the sidecar in
    // the window between the admin server listening and the handlers being bound.
    const fifo = join(stateDir, CONFIG_FILE);
    execFileSync("mkfifo", [fifo]);
    const adminPort = await closedPort();
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    const starting = startTestSidecar({ controller: ads.address, appPort: app.port, env: { WEFT_STATE_DIR: stateDir, WEFT_ADMIN_PORT: String(adminPort) } });
    try {
      let live = 0;
      for (let attempt = 0; attempt < 2000 && live !== 200; attempt++) live = (await send(`${adminUrl}/live`).catch(() => undefined))?.status ?? 0;
      expect(live).toBe(200);
      const ready = await send(`${adminUrl}/ready`);
      expect(ready.status).toBe(503);
      expect(ready.json()).toMatchObject({ ready: false, reason: expect.stringMatching(/^starting: reading the workload certificate and the last good config/) });
      const dump = await send(`${adminUrl}/config_dump`);
      expect(dump.status).toBe(503);
      expect(dump.json()).toEqual({ error: "the sidecar is still starting; no config to dump yet" });
    } finally {
      releaseFifo(fifo);
      await (await starting).close();
      rmSync(stateDir, { recursive: true, force: true });
    }
    expect((await send(`${sidecar.adminUrl}/live`)).status).toBe(200);
  });
});
