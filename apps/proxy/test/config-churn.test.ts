// Steady load through two sidecars (A outbound -> B inbound -> app) while the controller pushes
// 100 config changes to A (splits, routes, timeouts, retries, balancing policy): no request fails.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Agent, request } from "undici";
import { TypeUrl } from "@weft/contracts/proto";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";
import { setPolicyMesh, REVIEWS_DOMAINS } from "./support/policy-mesh";
import { ms, peakEwmaPolicy, rateLimitConfig } from "./support/policy-fixtures";

let adsA: AdsTestServer;
let adsB: AdsTestServer;
let appA: EchoServer;
let appB: EchoServer;
let a: TestSidecar;
let b: TestSidecar;

beforeEach(async () => {
  [adsA, adsB] = await Promise.all([startAdsTestServer(), startAdsTestServer()]);
  [appA, appB] = await Promise.all([startEchoServer({ service: "productpage", version: "v1" }), startEchoServer({ service: "reviews", version: "v1" })]);
  a = await startTestSidecar({ controller: adsA.address, appPort: appA.port });
  b = await startTestSidecar({ controller: adsB.address, appPort: appB.port, service: "reviews" });
});

afterEach(async () => {
  await Promise.all([a.close(), b.close()]);
  await Promise.all([adsA.close(), adsB.close(), appA.close(), appB.close()]);
});

const CHANGES = 100;
const CLIENTS = 4;
const MAX_REQUESTS = 20_000;

/** Change n of the churn: the split moves, routes appear and go, timeouts and retries change. */
function routesFor(n: number): Array<Record<string, unknown>> {
  const w = (n * 7) % 101;
  const split = { weighted_clusters: { clusters: [{ name: "reviews.default|v1", weight: { value: w } }, { name: "reviews.default|v2", weight: { value: 100 - w } }].filter((c) => c.weight.value > 0) } };
  const routes: Array<Record<string, unknown>> = [];
  if (n % 3 === 0) routes.push({ name: `canary-${n}`, match: { prefix: "/", headers: [{ name: "x-canary", present_match: true }] }, route: { cluster: "reviews.default|v2" } });
  if (n % 4 === 1) routes.push({ name: `items-${n}`, match: { safe_regex: { regex: "/items/[0-9]+" } }, route: { ...split, timeout: ms(1000 + n) } });
  routes.push({
    name: `default-${n}`,
    match: { prefix: "/" },
    route: { ...split, timeout: ms(n % 5 === 0 ? 0 : 5000 + n * 10), ...(n % 2 === 0 ? { retry_policy: { retry_on: "5xx,connect-failure", num_retries: { value: 2 } } } : {}) },
    ...(n % 10 === 0 ? { typed_per_filter_config: { "envoy.filters.http.local_ratelimit": { ...rateLimitConfig(1_000_000, 1000), filter_enforced: { default_value: { numerator: 0 } } } } } : {}),
  });
  return routes;
}

describe("config churn under load", () => {
  it("serves every request while 100 config changes are applied", async () => {
    const inboundB = [{ port: b.ports.inbound }];
    // B: its inbound route to its app.
    await waitForMesh(adsB, setMesh(adsB, { sidecar: { inboundPort: b.ports.inbound, outboundPort: b.ports.outbound, appPort: appB.port } }));
    const clusters = (n: number) => [
      { name: "reviews.default|v1", endpoints: inboundB, patch: n % 3 === 0 ? peakEwmaPolicy(1000 + n) : { lb_policy: n % 3 === 1 ? "LEAST_REQUEST" : "ROUND_ROBIN" } },
      { name: "reviews.default|v2", endpoints: inboundB, patch: { circuit_breakers: { thresholds: [{ max_requests: { value: 1000 + n } }] } } },
    ];
    const sidecar = { inboundPort: a.ports.inbound, outboundPort: a.ports.outbound, appPort: appA.port };
    await waitForMesh(adsA, setPolicyMesh(adsA, { sidecar, clusters: clusters(0), routes: routesFor(0) }));

    const agent = new Agent({ connections: CLIENTS });
    const failures: string[] = [];
    let sent = 0;
    let stop = false;
    const client = async (id: number) => {
      while (!stop && sent < MAX_REQUESTS) {
        sent++;
        const path = sent % 2 === 0 ? `/items/${sent}` : `/reviews/${id}`;
        try {
          const res = await request(`http://127.0.0.1:${a.ports.outbound}${path}`, { headers: { host: "reviews", ...(sent % 5 === 0 ? { "x-canary": "1" } : {}) }, dispatcher: agent });
          const body = await res.body.text();
          if (res.statusCode !== 200 || JSON.parse(body).service !== "reviews") failures.push(`${path}: ${res.statusCode} ${body.slice(0, 200)}`);
        } catch (err) {
          failures.push(`${path}: ${(err as Error).message}`);
        }
      }
    };
    const load = Promise.all(Array.from({ length: CLIENTS }, (_, i) => client(i)));
    try {
      for (let n = 1; n <= CHANGES; n++) {
        // Every fifth push changes the clusters' policies too (all four types, CDS first); the
        // others change only the routes.
        if (n % 5 === 0) await waitForMesh(adsA, setPolicyMesh(adsA, { sidecar, clusters: clusters(n), routes: routesFor(n) }));
        else await adsA.waitForAck(TypeUrl.RouteConfiguration, setRoutes(adsA, routesFor(n)));
      }
    } finally {
      stop = true;
      await load;
      await agent.close();
    }
    expect(sent).toBeGreaterThan(CHANGES);
    expect(failures).toEqual([]);
  });
});

function setRoutes(ads: AdsTestServer, routes: Array<Record<string, unknown>>): string {
  return ads.set(TypeUrl.RouteConfiguration, [
    { name: "weft.outbound", virtual_hosts: [{ name: "reviews.default", domains: REVIEWS_DOMAINS, routes }] },
    { name: "weft.inbound", virtual_hosts: [{ name: "inbound", domains: ["*"], routes: [{ name: "local", match: { prefix: "/" }, route: { cluster: "weft.inbound|local" } }] }] },
  ]);
}
