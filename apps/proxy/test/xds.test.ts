// The ADS client against a real gRPC xDS server: subscriptions, ACK/NACK, last-known-good config,
// losing the controller and reconnecting with backoff on a fake clock.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { TypeUrl } from "@weft/contracts/proto";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { nextEvent, send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { inboundRoutes, listener, routeConfig, serviceHost, setMesh, type MeshVersions } from "./support/xds-fixtures";

let ads: AdsTestServer;
let app: EchoServer;
let reviews: EchoServer;
let sidecar: TestSidecar;

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage", version: "v1" });
  reviews = await startEchoServer({ service: "reviews", version: "v1" });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port, random: () => 0.5 });
});

afterEach(async () => {
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), reviews.close()]);
});

function mesh(): MeshVersions {
  return setMesh(ads, {
    sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
    services: [{ name: "reviews", versions: { v1: [{ port: reviews.port }] } }],
  });
}

const callReviews = () => send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } });
const dump = async () => (await send(`${sidecar.adminUrl}/config_dump`)).json();

describe("xDS subscription and ACK", () => {
  it("identifies itself with the bound ports and ACKs every type, EDS/RDS following CDS/LDS", async () => {
    const versions = mesh();
    await waitForMesh(ads, versions);
    const first = ads.requests[0]!;
    expect(first.node).toMatchObject({ id: "test-productpage", cluster: "productpage", userAgentName: "weft-proxy" });
    expect(first.node!.metadata.weft).toMatchObject({
      service: "productpage",
      namespace: "default",
      version: "v1",
      inbound: { address: "127.0.0.1", port: sidecar.ports.inbound },
      outbound: { address: "127.0.0.1", port: sidecar.ports.outbound },
      app: { address: "127.0.0.1", port: app.port },
      adminPort: sidecar.ports.admin,
      register: true,
    });
    const initial = (typeUrl: string) => ads.requests.find((r) => r.typeUrl === typeUrl && r.streamId === 1);
    expect(initial(TypeUrl.Cluster)!.resourceNames).toEqual([]); // wildcard
    expect(initial(TypeUrl.Listener)!.resourceNames).toEqual([]); // wildcard: outbound TCP listeners are named by the controller
    expect(initial(TypeUrl.ClusterLoadAssignment)!.resourceNames).toEqual(["reviews.default", "reviews.default|v1"]);
    expect(initial(TypeUrl.RouteConfiguration)!.resourceNames).toEqual(["weft.inbound", "weft.outbound"]);
    expect(ads.requests.filter((r) => r.kind === "nack")).toEqual([]);
    expect((await callReviews()).json().service).toBe("reviews");
    const d = await dump();
    expect(d.xds.connected).toBe(true);
    expect(Object.fromEntries(d.xds.types.map((t: any) => [t.type, t.ackedVersion]))).toEqual({
      CDS: versions.cds, EDS: versions.eds, LDS: versions.lds, RDS: versions.rds,
    });
  });
});

describe("xDS NACK", () => {
  it("rejects a split whose weights sum to 0, naming resource and field, and keeps serving", async () => {
    const good = mesh();
    await waitForMesh(ads, good);
    const from = ads.requests.length;
    ads.set(TypeUrl.RouteConfiguration, [
      routeConfig("weft.outbound", [
        serviceHost("reviews", "default", 9080, [
          { name: "tester", prefix: "/", cluster: "reviews.default|v1", headers: [{ name: "x-user", present_match: true }] },
          { name: "canary", prefix: "/canary", cluster: "reviews.default|v1" },
          { name: "default", prefix: "/", split: [["reviews.default|v1", 0], ["reviews.default|v2", 0]] },
        ]),
      ]),
      inboundRoutes(),
    ]);
    const nack = await ads.waitForNack(TypeUrl.RouteConfiguration, { from });
    const reason = 'route "weft.outbound" virtual_host "reviews.default" route[2]: weighted_clusters weights sum to 0';
    expect(nack.errorDetail).toEqual({ code: 3, message: reason });
    expect(nack.versionInfo).toBe(good.rds); // the last good version
    expect(nack.responseNonce).not.toBe("");

    const r = await callReviews();
    expect(r.status).toBe(200);
    expect(r.json().service).toBe("reviews");
    const rds = (await dump()).xds.types.find((t: any) => t.type === "RDS");
    expect(rds.ackedVersion).toBe(good.rds);
    expect(rds.lastNack).toMatchObject({ version: ads.version(TypeUrl.RouteConfiguration), reason });
    expect(Date.parse(rds.lastNack.at)).toBe(sidecar.clock.now());
    const metrics = (await send(`${sidecar.adminUrl}/metrics`)).text;
    expect(metrics).toMatch(/weft_xds_updates_total\{type="RDS",result="nack"\} 1/);
  });

  it("rejects match kinds it does not support yet", async () => {
    await waitForMesh(ads, mesh());
    const from = ads.requests.length;
    ads.set(TypeUrl.RouteConfiguration, [
      routeConfig("weft.outbound", [{ name: "reviews.default", domains: ["reviews"], routes: [{ name: "re", match: { safe_regex: { regex: "^/v(?=[0-9])" } }, route: { cluster: "reviews.default" } }] }]),
      inboundRoutes(),
    ]);
    const nack = await ads.waitForNack(TypeUrl.RouteConfiguration, { from });
    // RE2 has no lookahead: the regex is rejected at translate time, naming the field.
    expect(nack.errorDetail!.message).toBe('route "weft.outbound" virtual_host "reviews.default" route[0] match.safe_regex: regex "^/v(?=[0-9])" is not valid RE2: invalid perl operator');
  });

  it("rejects a listener whose address is not the port it is bound to", async () => {
    const good = mesh();
    await waitForMesh(ads, good);
    const from = ads.requests.length;
    ads.set(TypeUrl.Listener, [listener("weft.inbound", "127.0.0.1", sidecar.ports.inbound), listener("weft.outbound", "127.0.0.1", 1)]);
    const nack = await ads.waitForNack(TypeUrl.Listener, { from });
    expect(nack.errorDetail!.message).toBe(
      `listener "weft.outbound": address 127.0.0.1:1 differs from the address this sidecar is bound to (127.0.0.1:${sidecar.ports.outbound}); ` +
        "the sidecar binds from its own configuration and never rebinds",
    );
    expect(nack.versionInfo).toBe(good.lds);
    expect((await callReviews()).status).toBe(200);
  });

  it("accepts a corrected update after a NACK", async () => {
    await waitForMesh(ads, mesh());
    const from = ads.requests.length;
    ads.set(TypeUrl.RouteConfiguration, [routeConfig("weft.outbound", [{ name: "x", domains: [] }]), inboundRoutes()]);
    await ads.waitForNack(TypeUrl.RouteConfiguration, { from });
    const fixed = ads.set(TypeUrl.RouteConfiguration, [
      routeConfig("weft.outbound", [serviceHost("reviews", "default", 9080, [{ name: "only-api", prefix: "/api", cluster: "reviews.default" }])]),
      inboundRoutes(),
    ]);
    await ads.waitForAck(TypeUrl.RouteConfiguration, fixed, { from });
    expect((await callReviews()).status).toBe(404);
    expect((await send(`${sidecar.outboundUrl}/api/x`, { headers: { host: "reviews" } })).status).toBe(200);
  });
});

describe("losing the controller", () => {
  it("keeps serving the last good config while the controller is unreachable", async () => {
    await waitForMesh(ads, mesh());
    const down = nextEvent(sidecar, "xdsConnection");
    await ads.close();
    expect(await down).toBe(false);
    expect((await callReviews()).json().service).toBe("reviews");
    expect((await send(`${sidecar.inboundUrl}/`)).status).toBe(200);
    expect((await send(`${sidecar.adminUrl}/ready`)).status).toBe(200);
    const d = await dump();
    expect(d.xds.connected).toBe(false);
    expect(d.xds.retryAt).toBeDefined();
    expect((await send(`${sidecar.adminUrl}/metrics`)).text).toMatch(/^weft_xds_connected 0$/m);
  });

  it("reconnects after the backoff delay (fake clock) and re-sends the ACKed versions", async () => {
    const versions = mesh();
    await waitForMesh(ads, versions);
    const retry = nextEvent(sidecar, "xdsRetry");
    ads.dropStreams();
    // random 0.5, base 1000 ms: first delay = 500 + 0.5 * 500.
    expect(await retry).toEqual({ attempt: 2, delayMs: 750 });
    sidecar.clock.advance(749);
    expect((await dump()).xds.attempts).toBe(1);
    sidecar.clock.advance(1);
    expect((await dump()).xds.attempts).toBe(2);
    const resent = async (typeUrl: string) => (await ads.waitForRequest((r) => r.streamId === 2 && r.typeUrl === typeUrl)).versionInfo;
    expect(await resent(TypeUrl.Cluster)).toBe(versions.cds);
    expect(await resent(TypeUrl.ClusterLoadAssignment)).toBe(versions.eds);
    expect(await resent(TypeUrl.Listener)).toBe(versions.lds);
    expect(await resent(TypeUrl.RouteConfiguration)).toBe(versions.rds);
    expect(ads.requests.find((r) => r.streamId === 2)!.node?.id).toBe("test-productpage");
    // Changes made after the reconnect still arrive.
    const from = ads.requests.length;
    const rds = ads.set(TypeUrl.RouteConfiguration, [
      routeConfig("weft.outbound", [serviceHost("reviews", "default", 9080, [{ name: "api", prefix: "/api", cluster: "reviews.default" }])]),
      inboundRoutes(),
    ]);
    await ads.waitForAck(TypeUrl.RouteConfiguration, rds, { from });
    expect((await callReviews()).status).toBe(404);
  });

  it("backs off exponentially while the controller stays away", async () => {
    await waitForMesh(ads, mesh());
    let retry = nextEvent(sidecar, "xdsRetry");
    await ads.close();
    const delays = [(await retry).delayMs];
    for (let i = 0; i < 3; i++) {
      retry = nextEvent(sidecar, "xdsRetry");
      sidecar.clock.advance(delays[delays.length - 1]!);
      delays.push((await retry).delayMs);
    }
    // nominal 1 s, 2 s, 4 s, 8 s (cap) with jitter 0.5 -> 3/4 of each
    expect(delays).toEqual([750, 1500, 3000, 6000]);
    expect((await callReviews()).status).toBe(200);
  });
});
