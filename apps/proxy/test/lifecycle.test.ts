// Start and stop: ports 0 are reported as bound, close() releases listeners and timers, and a
// graceful close lets in-flight requests finish while refusing new connections.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";
import { deferred, startServer, type TestServer } from "./support/upstreams";

let ads: AdsTestServer;
let app: EchoServer;
let slow: TestServer;
let sidecar: TestSidecar;
const release = deferred();
const arrived = deferred();

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage" });
  slow = await startServer((_req, res) => {
    arrived.resolve();
    void release.promise.then(() => res.end("done"));
  });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port });
  await waitForMesh(
    ads,
    setMesh(ads, {
      sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
      services: [{ name: "slow", versions: { v1: [{ port: slow.port }] } }],
    }),
  );
});

afterEach(async () => {
  release.resolve();
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), slow.close()]);
});

describe("lifecycle", () => {
  it("binds port 0 to real ports and tells the controller", () => {
    const { inbound, outbound, admin } = sidecar.ports;
    expect([inbound, outbound, admin].every((p) => p > 0)).toBe(true);
    expect(sidecar.metadata).toMatchObject({ inbound: { port: inbound }, outbound: { port: outbound }, adminPort: admin });
  });

  it("drains in-flight requests on a graceful close, refusing new connections", async () => {
    const inflight = request(`${sidecar.outboundUrl}/`, { headers: { host: "slow" } });
    await arrived.promise;
    const closed = sidecar.close({ drainMs: 10_000 });
    await expect(send(`${sidecar.adminUrl}/live`)).rejects.toThrow(/ECONNREFUSED/);
    release.resolve();
    const res = await inflight;
    expect(res.statusCode).toBe(200);
    expect(await res.body.text()).toBe("done");
    await closed;
    expect(sidecar.clock.pending()).toBe(0); // no reconnect or report timer left behind
    await expect(send(`${sidecar.outboundUrl}/`, { headers: { host: "slow" } })).rejects.toThrow(/ECONNREFUSED/);
  });
});
