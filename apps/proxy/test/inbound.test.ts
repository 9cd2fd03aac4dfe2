// Inbound listener end to end: forwards to the local app over the STATIC weft.inbound|local
// cluster, reads and strips x-weft-source.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import type { RequestRecord } from "../src/core/events";
import { send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";

let ads: AdsTestServer;
let app: EchoServer;
let sidecar: TestSidecar;
let records: RequestRecord[];

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "reviews", version: "v2" });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port, service: "reviews", version: "v2" });
  records = [];
  sidecar.events.on("request", (r) => records.push({ ...r }));
});

afterEach(async () => {
  await sidecar.close();
  await Promise.all([ads.close(), app.close()]);
});

const mesh = () => setMesh(ads, { sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port } });

describe("inbound", () => {
  it("answers 503 WEFT_NO_CONFIG before the controller sent its listener", async () => {
    const r = await send(`${sidecar.inboundUrl}/`);
    expect(r.status).toBe(503);
    expect(r.headers["x-weft-error"]).toBe("WEFT_NO_CONFIG");
    expect(r.json().message).toContain('listener "weft.inbound"');
    expect(app.received).toHaveLength(0);
  });

  it("forwards to the local app, strips x-weft-source and records the caller", async () => {
    await waitForMesh(ads, mesh());
    const r = await send(`${sidecar.inboundUrl}/reviews/7?full=1`, {
      method: "POST",
      headers: { host: "reviews:9080", "x-weft-source": "productpage.default|v1", "content-type": "text/plain" },
      body: "hello",
    });
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ service: "reviews", method: "POST", path: "/reviews/7?full=1", body: "hello" });
    expect(r.json().headers["x-weft-source"]).toBeUndefined();
    expect(r.json().headers.host).toBe("reviews:9080");
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({
      direction: "inbound",
      source: { service: "productpage", namespace: "default", version: "v1" },
      destination: { service: "reviews", namespace: "default", version: "v2" },
      status: 200,
      requestBytes: 5,
    });
    expect(records[0]!.responseBytes).toBe(Buffer.byteLength(r.text));
  });

  it("records callers without a sidecar as external, malformed identities as unknown", async () => {
    await waitForMesh(ads, mesh());
    await send(`${sidecar.inboundUrl}/`);
    await send(`${sidecar.inboundUrl}/`, { headers: { "x-weft-source": "not an identity" } });
    expect(records.map((r) => r.source.service)).toEqual(["external", "unknown"]);
    expect(app.received[1]!.headers["x-weft-source"]).toBeUndefined();
  });

  it("passes the app's own status codes through untouched", async () => {
    await waitForMesh(ads, mesh());
    const r = await send(`${sidecar.inboundUrl}/`, { headers: { "x-echo-status": "503" } });
    expect(r.status).toBe(503);
    expect(r.headers["x-weft-error"]).toBeUndefined();
  });
});
