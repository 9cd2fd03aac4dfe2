// Certificates and config over time: rotation at half the lifetime (fake clock) while traffic runs,
// with no failed request; a sidecar restarting while the controller (xDS + CA) is down serves from
// its persisted config and certificate, says so on /ready and in its log, and goes back to the
// controller when it returns.
import { afterEach, describe, expect, it } from "vitest";
import { connect as tlsConnect } from "node:tls";
import { Writable } from "node:stream";
import { pino } from "pino";
import { startAdsTestServer, startEchoServer, type EchoServer } from "@weft/test-kit";
import { send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { identityReady, SERVER_TOKEN, startMeshPair, type MeshPair } from "./support/mesh-pair";
import { setTransportMesh } from "./support/transport-fixtures";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let app: EchoServer | undefined;
let pair: MeshPair | undefined;
const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await pair?.close();
  await app?.close();
  pair = undefined;
  app = undefined;
});

/** The serial of the certificate a TLS server presents. */
function servedSerial(port: number, pair: MeshPair): Promise<string> {
  return pair.ca.issue("probe").then(
    (probe) =>
      new Promise((resolve, reject) => {
        const s = tlsConnect({ port, host: "127.0.0.1", ca: pair.ca.certPem, key: probe.keyPem, cert: probe.certPem, checkServerIdentity: () => undefined }, () => {
          resolve(s.getPeerCertificate().serialNumber);
          s.destroy();
        });
        s.on("error", reject);
      }),
  );
}

describe("certificate rotation", () => {
  it("renews both certificates at ~50% of their lifetime while requests flow, with zero failures", async () => {
    app = await startEchoServer({ service: "reviews", version: "v1" });
    pair = await startMeshPair({ appPort: app.port, caTtlMs: 3_600_000 });
    // No route timeout: moving the clock 40 minutes must not time out requests in flight.
    await pair.configure({ mode: "strict", protocol: "http", appPort: app.port, noRouteTimeout: true });
    const p = pair;
    const before = { client: p.client.identity!.current!.serial, server: p.server.identity!.current!.serial };
    expect(await servedSerial(p.server.ports.inbound, p)).toBe(before.server.toUpperCase());

    // Bounded load through both sidecars: 4 workers until 100 requests after the rotation (at most 2000).
    const MAX = 2_000;
    let renewedAt = -1;
    const statuses: number[] = [];
    const done = () => statuses.length >= MAX || (renewedAt >= 0 && statuses.length >= renewedAt + 100);
    const worker = async () => {
      while (!done()) {
        const res = await send(`${p.client.outboundUrl}/load/${statuses.length}`, { headers: { host: "reviews" } }).catch(() => ({ status: 0 }));
        statuses.push(res.status);
      }
    };
    const load = Promise.all([worker(), worker(), worker(), worker()]);
    await expect.poll(() => statuses.length, { timeout: 10_000 }).toBeGreaterThan(50);
    const renewed = Promise.all([
      new Promise<void>((r) => p.client.events.on("identity", (e) => e.state === "issued" && r())),
      new Promise<void>((r) => p.server.events.on("identity", (e) => e.state === "issued" && r())),
    ]);
    // Half of the 1 h lifetime (plus the test CA's 5 min backdating, ±5% jitter): well past it.
    p.clock.advance(40 * 60_000);
    await renewed;
    renewedAt = statuses.length;
    await load;
    expect(renewedAt).toBeGreaterThan(0);
    expect(statuses.length).toBeGreaterThanOrEqual(renewedAt + 100); // requests kept flowing on the new certificates
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
    const after = { client: p.client.identity!.current!.serial, server: p.server.identity!.current!.serial };
    expect(after.client).not.toBe(before.client);
    expect(after.server).not.toBe(before.server);
    // New handshakes get the new certificate.
    expect(await servedSerial(p.server.ports.inbound, p)).toBe(after.server.toUpperCase());
    expect(p.caServer.issued).toBe(4);
  });
});

describe("restart from disk with the controller down", () => {
  it("serves the persisted config with its still-valid certificate, says so, then resumes with the controller", async () => {
    app = await startEchoServer({ service: "reviews", version: "v1" });
    pair = await startMeshPair({ appPort: app.port });
    const p = pair;
    const stateDir = mkdtempSync(join(tmpdir(), "weft-restart-"));
    cleanups.push(() => rmSync(stateDir, { recursive: true, force: true }));
    // A server sidecar with a known state directory, replacing the pair's.
    const ads = await startAdsTestServer();
    const env = { WEFT_JOIN_TOKEN: SERVER_TOKEN, WEFT_CA_ADDRESS: p.caServer.address, WEFT_STATE_DIR: stateDir, WEFT_NODE_ID: "reviews-restart" };
    let first: TestSidecar | undefined = await startTestSidecar({ controller: ads.address, appPort: app.port, service: "reviews", clock: p.clock, env });
    cleanups.push(async () => first?.close());
    p.clock.advance(0);
    await identityReady(first);
    const ports = { ...first.ports };
    const serverMesh = () =>
      setTransportMesh(ads, { inboundPort: ports.inbound, outboundPort: ports.outbound, appPort: app!.port, mode: "strict" }, []);
    await waitForMesh(ads, serverMesh());
    await waitForMesh(
      p.adsClient,
      setTransportMesh(p.adsClient, { inboundPort: p.client.ports.inbound, outboundPort: p.client.ports.outbound, appPort: 1, mode: "strict" }, [
        { name: "reviews", endpoints: [{ port: ports.inbound }] },
      ]),
    );
    expect((await send(`${p.client.outboundUrl}/one`, { headers: { host: "reviews" } })).status).toBe(200);
    await first.flushState();
    const identityFile = statSync(join(stateDir, "identity.json"));
    expect(identityFile.mode & 0o777).toBe(0o600);

    // Controller (xDS and CA) gone, sidecar restarted on the same ports.
    await first.close();
    first = undefined;
    const adsPort = ads.port;
    await ads.close();
    await p.caServer.close();
    const lines: string[] = [];
    const logger = pino({ level: "info" }, new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }));
    const second = await startTestSidecar({
      controller: ads.address,
      appPort: app.port,
      service: "reviews",
      clock: p.clock,
      logger,
      env: { ...env, WEFT_INBOUND_PORT: String(ports.inbound), WEFT_OUTBOUND_PORT: String(ports.outbound) },
    });
    cleanups.push(() => second.close());
    const ready = await send(`${second.adminUrl}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.json()).toMatchObject({ ready: true, source: "disk", controllerConnected: false, identity: "spiffe://weft.local/ns/default/sa/reviews" });
    expect(lines.join("")).toContain("serving the last good config from disk until the controller answers");
    expect(lines.join("")).toContain("workload certificate loaded from the state directory");
    const viaMesh = await send(`${p.client.outboundUrl}/two`, { headers: { host: "reviews" } });
    expect(viaMesh.status).toBe(200);
    expect(app.received.at(-1)!.path).toBe("/two");

    // The controller is back where the sidecar looks for it.
    const back = await startAdsTestServer({ port: adsPort });
    cleanups.push(() => back.close());
    const versions = setTransportMesh(back, { inboundPort: ports.inbound, outboundPort: ports.outbound, appPort: app.port, mode: "strict" }, []);
    p.clock.advance(8_000); // past the reconnect backoff
    await waitForMesh(back, versions);
    await expect.poll(async () => (await send(`${second.adminUrl}/ready`)).json().source).toBe("controller");
    expect((await send(`${p.client.outboundUrl}/three`, { headers: { host: "reviews" } })).status).toBe(200);
  });
});
