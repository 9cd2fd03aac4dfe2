// Traffic policy end to end through a real sidecar: real ADS server with Envoy-shaped resources,
// real upstream servers on loopback, the sidecar's fake clock for every timer.
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect as h2connect, constants } from "node:http2";
import { connect } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { nextEvent, send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setPolicyMesh, type PolicyMeshSpec } from "./support/policy-mesh";
import { closedPort, deferred, startServer, type TestServer } from "./support/upstreams";
import { faultConfig, IDEMPOTENT_ONLY, ms, rateLimitConfig } from "./support/policy-fixtures";

let ads: AdsTestServer;
let app: EchoServer;
let v1: EchoServer;
let v2: EchoServer;
let sidecar: TestSidecar;
let extra: TestServer[] = [];

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage", version: "v1" });
  v1 = await startEchoServer({ service: "reviews", version: "v1" });
  v2 = await startEchoServer({ service: "reviews", version: "v2" });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port, random: () => 0 });
});

afterEach(async () => {
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), v1.close(), v2.close(), ...extra.map((s) => s.close())]);
  extra = [];
});

async function mesh(spec: Omit<PolicyMeshSpec, "sidecar">): Promise<void> {
  await waitForMesh(ads, setPolicyMesh(ads, { sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port }, ...spec }));
}
const versions = () => [
  { name: "reviews.default|v1", endpoints: [{ port: v1.port }] },
  { name: "reviews.default|v2", endpoints: [{ port: v2.port }] },
];
const get = (path: string, headers: Record<string, string> = {}, method: "GET" | "POST" | "PUT" = "GET", body?: string) =>
  send(`${sidecar.outboundUrl}${path}`, { method, headers: { host: "reviews", ...headers }, body });

/** An upstream that answers with the statuses given, in turn (then the last one), counting requests and bodies (and their trailers). */
async function scripted(statuses: number[]) {
  const seen: string[] = [];
  const trailers: IncomingHttpHeaders[] = [];
  const server = await startServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c));
    req.on("end", () => {
      seen.push(body);
      trailers.push(req.trailers);
      res.writeHead(statuses[Math.min(seen.length - 1, statuses.length - 1)]!, { "content-type": "text/plain" }).end(`attempt ${seen.length}`);
    });
  });
  extra.push(server);
  return { port: server.port, seen, trailers };
}

/** A chunked HTTP/1.1 POST to the outbound listener whose body ends with trailers. */
function postWithTrailers(path: string, body: string, trailers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: "127.0.0.1", port: sidecar.ports.outbound, path, method: "POST", headers: { host: "reviews", "transfer-encoding": "chunked" } }, (res) => {
      res.resume().on("end", () => resolve(res.statusCode!));
    });
    req.on("error", reject);
    req.addTrailers(trailers);
    req.end(body);
  });
}

describe("routing", () => {
  it("routes by regex path, method, authority and query parameters, first match wins", async () => {
    const to = (cluster: string) => ({ cluster, timeout: ms(0) });
    await mesh({
      clusters: versions(),
      routes: [
        { name: "item", match: { safe_regex: { regex: "/items/[0-9]+" } }, route: to("reviews.default|v2") },
        { name: "writes", match: { prefix: "/", headers: [{ name: ":method", string_match: { exact: "POST" } }] }, route: to("reviews.default|v2") },
        { name: "beta", match: { prefix: "/", query_parameters: [{ name: "beta", string_match: { exact: "1" } }] }, route: to("reviews.default|v2") },
        { name: "port", match: { prefix: "/", headers: [{ name: ":authority", string_match: { suffix: ":9080" } }] }, route: to("reviews.default|v2") },
        { name: "default", match: { prefix: "/" }, route: to("reviews.default|v1") },
      ],
    });
    const version = async (...a: Parameters<typeof get>) => (await get(...a)).json().version;
    expect(await version("/items/12")).toBe("v2");
    expect(await version("/items/12/x")).toBe("v1");
    expect(await version("/x", {}, "POST", "b")).toBe("v2");
    expect(await version("/x?beta=1")).toBe("v2");
    expect(await version("/x?beta=0")).toBe("v1");
    expect(await version("/x", { host: "reviews:9080" })).toBe("v2");
  });

  it("mutates request and response headers and rewrites the path prefix", async () => {
    await mesh({
      clusters: versions(),
      routes: [
        {
          name: "api",
          match: { prefix: "/api/v1" },
          request_headers_to_add: [{ header: { key: "x-tenant", value: "blue" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }],
          request_headers_to_remove: ["x-internal"],
          response_headers_to_add: [{ header: { key: "x-route", value: "api" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }],
          response_headers_to_remove: ["x-echo-version"],
          route: { cluster: "reviews.default|v1", prefix_rewrite: "/v2" },
        },
      ],
      vhost: { response_headers_to_add: [{ header: { key: "x-vhost", value: "reviews" } }] },
    });
    const r = await get("/api/v1/items?q=1", { "x-tenant": "red", "x-internal": "secret" });
    expect(r.json().path).toBe("/v2/items?q=1");
    expect(r.json().headers["x-tenant"]).toBe("blue");
    expect(r.json().headers["x-internal"]).toBeUndefined();
    expect(r.headers["x-route"]).toBe("api");
    expect(r.headers["x-vhost"]).toBe("reviews");
    expect(r.headers["x-echo-version"]).toBeUndefined();
  });

  it("answers 504 WEFT_UPSTREAM_TIMEOUT when the route timeout passes on the sidecar's clock", async () => {
    const reached = deferred();
    const hung = await startServer(() => reached.resolve());
    extra.push(hung);
    await mesh({ clusters: [{ name: "reviews.default|v1", endpoints: [{ port: hung.port }] }], routes: [{ name: "slow", match: { prefix: "/" }, route: { cluster: "reviews.default|v1", timeout: ms(3000) } }] });
    const pending = get("/slow");
    await reached.promise;
    sidecar.clock.advance(3000);
    const r = await pending;
    expect(r.status).toBe(504);
    expect(r.headers["x-weft-error"]).toBe("WEFT_UPSTREAM_TIMEOUT");
    expect(r.json().message).toContain("within 3000 ms (route timeout)");
  });
});

describe("resilience", () => {
  it("retries a 503 on the other endpoint and the caller sees the success", async () => {
    const flaky = await scripted([503]);
    const events: Array<{ reason: string | undefined; attempts: number }> = [];
    sidecar.events.on("request", (ctx) => ctx.direction === "outbound" && events.push({ reason: ctx.reason, attempts: ctx.attempts }));
    await mesh({
      clusters: [{ name: "reviews.default|v1", endpoints: [{ port: flaky.port }, { port: v1.port }] }],
      routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1", retry_policy: { retry_on: "5xx", num_retries: { value: 2 } } } }],
    });
    const r = await get("/x");
    expect(r.status).toBe(200);
    expect(r.json().version).toBe("v1");
    expect(flaky.seen).toHaveLength(1);
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.at(-1)).toEqual({ reason: "retried", attempts: 2 });
  });

  it("replays a request body on retry; never retries a POST that retriable_request_headers excludes", async () => {
    const flaky = await scripted([503, 200]);
    const route = (headers?: unknown) => ({ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1", retry_policy: { retry_on: "5xx", num_retries: { value: 2 }, ...(headers ? { retriable_request_headers: headers } : {}) } } });
    await mesh({ clusters: [{ name: "reviews.default|v1", endpoints: [{ port: flaky.port }] }], routes: [route()] });
    const r = await get("/order", { "content-type": "text/plain" }, "POST", "one book");
    expect(r.status).toBe(200);
    expect(flaky.seen).toEqual(["one book", "one book"]);

    const strict = await scripted([503, 200]);
    await mesh({ clusters: [{ name: "reviews.default|v1", endpoints: [{ port: strict.port }] }], routes: [route(IDEMPOTENT_ONLY)] });
    expect((await get("/order", {}, "POST", "x")).status).toBe(503);
    expect((await get("/order", {}, "PUT", "y")).status).toBe(200);
    expect(strict.seen).toEqual(["x", "y"]);
  });

  it("replays a request's trailers with its body on each attempt, and keeps them on a body too large to replay", async () => {
    const flaky = await scripted([503, 200]);
    const route = { name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1", retry_policy: { retry_on: "5xx", num_retries: { value: 2 } } } };
    await mesh({ clusters: [{ name: "reviews.default|v1", endpoints: [{ port: flaky.port }] }], routes: [route] });
    expect(await postWithTrailers("/upload", "one book", { "x-request-mac": "m4c" })).toBe(200);
    expect(flaky.seen).toEqual(["one book", "one book"]);
    expect(flaky.trailers).toEqual([{ "x-request-mac": "m4c" }, { "x-request-mac": "m4c" }]);

    // 70 KiB: not kept for a retry, so one attempt, which still gets the whole body and its trailers.
    const big = await scripted([503]);
    await mesh({ clusters: [{ name: "reviews.default|v1", endpoints: [{ port: big.port }] }], routes: [route] });
    expect(await postWithTrailers("/upload", "b".repeat(70 * 1024), { "x-request-mac": "big" })).toBe(503);
    expect(big.seen.map((b) => b.length)).toEqual([70 * 1024]);
    expect(big.trailers).toEqual([{ "x-request-mac": "big" }]);
  });

  it("circuit breaking: beyond max_requests concurrent requests the sidecar answers 503 WEFT_CIRCUIT_OPEN", async () => {
    const reached = deferred();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const held = await startServer((_req, res) => {
      reached.resolve();
      void gate.then(() => res.writeHead(200).end("done"));
    });
    extra.push(held);
    await mesh({
      clusters: [{ name: "reviews.default|v1", endpoints: [{ port: held.port }], patch: { circuit_breakers: { thresholds: [{ max_requests: { value: 1 } }] } } }],
      routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1" } }],
    });
    const first = get("/a");
    await reached.promise;
    const refused = await get("/b");
    expect(refused.status).toBe(503);
    expect(refused.headers["x-weft-error"]).toBe("WEFT_CIRCUIT_OPEN");
    release();
    expect((await first).status).toBe(200);
    expect((await get("/c")).status).toBe(200);
  });

  it("outlier detection ejects the endpoint answering 5xx; traffic goes to the healthy one", async () => {
    const bad = await scripted([500]);
    await mesh({
      clusters: [
        {
          name: "reviews.default|v1",
          endpoints: [{ port: bad.port }, { port: v1.port }],
          patch: { outlier_detection: { consecutive_5xx: { value: 2 }, base_ejection_time: { seconds: 30 }, max_ejection_percent: { value: 50 } } },
        },
      ],
      routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1" } }],
    });
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await get("/x")).status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(2);
    expect(statuses.slice(4)).toEqual([200, 200, 200, 200, 200, 200]);
    sidecar.clock.advance(30_000);
    const after: number[] = [];
    for (let i = 0; i < 4; i++) after.push((await get("/x")).status);
    expect(after).toContain(500); // ejection over: the endpoint is tried again
  });

  it("outlier detection does not blame the endpoint for clients that go away mid-body (HTTP/1.1 or HTTP/2) or send a malformed one", async () => {
    let arrived = deferred();
    const upstream = await startServer((req, res) => {
      arrived.resolve();
      req.on("error", () => undefined).on("data", () => undefined).on("end", () => res.end("ok"));
    });
    extra.push(upstream);
    await mesh({
      clusters: [
        {
          name: "reviews.default|v1",
          endpoints: [{ port: upstream.port }],
          patch: { outlier_detection: { consecutive_5xx: { value: 1 }, consecutive_gateway_failure: { value: 1 }, base_ejection_time: { seconds: 30 }, max_ejection_percent: { value: 100 } } },
        },
      ],
      routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1" } }],
    });
    const head = (framing: string) => `POST /upload HTTP/1.1\r\nhost: reviews\r\n${framing}\r\n\r\n`;
    const bad = [
      // The client sends part of the body and goes away.
      `${head("content-length: 1000")}0123456789`,
      // A chunked body that turns malformed after the head went upstream.
      `${head("transfer-encoding: chunked")}5\r\nhello\r\n`,
    ];
    for (const [i, bytes] of bad.entries()) {
      arrived = deferred();
      const done = nextEvent(sidecar, "request");
      const socket = connect({ port: sidecar.ports.outbound, host: "127.0.0.1" });
      socket.on("error", () => undefined).on("data", () => undefined);
      socket.write(bytes);
      // Once the upstream has the request, the client leaves (0) or its body turns to garbage (1).
      await Promise.race([arrived.promise, done]);
      if (i === 0) socket.destroy();
      else socket.write("zz\r\nnot a chunk\r\n");
      await done;
      socket.destroy();
      // The endpoint is still in the pool: a client's failure is not the upstream's.
      expect((await get(`/after-${i}`)).status).toBe(200);
    }
    // An HTTP/2 (h2c) client that resets its stream mid-body.
    arrived = deferred();
    const done = nextEvent(sidecar, "request");
    const client = h2connect(`http://127.0.0.1:${sidecar.ports.outbound}`);
    client.on("error", () => undefined);
    const stream = client.request({ ":method": "POST", ":path": "/upload", ":authority": "reviews", "content-length": "1000" });
    stream.on("error", () => undefined);
    stream.write("0123456789");
    await Promise.race([arrived.promise, done]);
    stream.close(constants.NGHTTP2_CANCEL);
    await done;
    client.close();
    expect((await get("/after-h2")).status).toBe(200);
  });

  it("local rate limit: 429 with retry-after once the route's bucket is empty, refilled on the clock", async () => {
    await mesh({
      clusters: versions(),
      routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1" }, typed_per_filter_config: { "envoy.filters.http.local_ratelimit": rateLimitConfig(2, 60_000) } }],
    });
    expect((await get("/1")).status).toBe(200);
    expect((await get("/2")).status).toBe(200);
    const limited = await get("/3");
    expect(limited.status).toBe(429);
    expect(limited.headers["retry-after"]).toBe("60");
    expect(limited.headers["x-weft-error"]).toBe("WEFT_RATE_LIMITED");
    sidecar.clock.advance(60_000);
    expect((await get("/4")).status).toBe(200);
  });

  it("fault injection: abort when the trigger header is present, delay on the clock", async () => {
    await mesh({
      clusters: versions(),
      routes: [
        { name: "abort", match: { prefix: "/abort" }, route: { cluster: "reviews.default|v1" }, typed_per_filter_config: { "envoy.filters.http.fault": faultConfig({ abortStatus: 503, header: "x-chaos" }) } },
        { name: "delay", match: { prefix: "/delay" }, route: { cluster: "reviews.default|v1" }, typed_per_filter_config: { "envoy.filters.http.fault": faultConfig({ delayMs: 2000 }) } },
      ],
    });
    expect((await get("/abort")).status).toBe(200);
    const aborted = await get("/abort", { "x-chaos": "on" });
    expect(aborted.status).toBe(503);
    expect(aborted.headers["x-weft-error"]).toBe("WEFT_FAULT_INJECTED");
    const before = v1.received.length;
    const timers = sidecar.clock.pending();
    const delayed = get("/delay");
    // The request waits on the sidecar's clock (its delay timer appears), not the wall clock.
    for (let i = 0; i < 1000 && sidecar.clock.pending() === timers; i++) await new Promise((resolve) => setImmediate(resolve));
    expect(sidecar.clock.pending()).toBe(timers + 1);
    sidecar.clock.advance(1999);
    await new Promise((resolve) => setImmediate(resolve));
    expect(v1.received.length).toBe(before);
    sidecar.clock.advance(1);
    expect((await delayed).status).toBe(200);
    expect(v1.received.length).toBe(before + 1);
  });
});

describe("mirroring and consistent hashing", () => {
  it("mirrors requests (with their body) to another cluster without affecting the primary when the mirror hangs or fails", async () => {
    const mirrorSeen = deferred<{ host: string; body: string }>();
    const hungMirror = await startServer((req) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => mirrorSeen.resolve({ host: req.headers.host ?? "", body }));
      // never answers
    });
    extra.push(hungMirror);
    const mirrorRoute = (cluster: string) => ({ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1", request_mirror_policies: [{ cluster }] } });
    await mesh({ clusters: [...versions(), { name: "reviews.default|shadow", endpoints: [{ port: hungMirror.port }] }], routes: [mirrorRoute("reviews.default|shadow")] });
    const r = await get("/orders", { "content-type": "text/plain" }, "POST", "order #1");
    expect(r.status).toBe(200);
    expect(r.json()).toMatchObject({ version: "v1", body: "order #1" });
    expect(await mirrorSeen.promise).toEqual({ host: "reviews-shadow", body: "order #1" });

    // A mirror that refuses connections: the primary still answers normally.
    const down = await closedPort();
    await mesh({ clusters: [...versions(), { name: "reviews.default|shadow", endpoints: [{ port: down }] }], routes: [mirrorRoute("reviews.default|shadow")] });
    for (let i = 0; i < 3; i++) expect((await get("/again")).status).toBe(200);
  });

  it("a mirrored request's trailers reach the mirror too", async () => {
    const mirrorSeen = deferred<{ body: string; trailers: IncomingHttpHeaders }>();
    const mirror = await startServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c));
      req.on("end", () => {
        mirrorSeen.resolve({ body, trailers: req.trailers });
        res.end();
      });
    });
    extra.push(mirror);
    await mesh({
      clusters: [...versions(), { name: "reviews.default|shadow", endpoints: [{ port: mirror.port }] }],
      routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1", request_mirror_policies: [{ cluster: "reviews.default|shadow" }] } }],
    });
    expect(await postWithTrailers("/orders", "order #2", { "x-request-mac": "m4c" })).toBe(200);
    expect(await mirrorSeen.promise).toEqual({ body: "order #2", trailers: { "x-request-mac": "m4c" } });
  });

  it("a mirror that does not read its body never slows the primary: the tee drops it once it lags 1 MiB", async () => {
    const mirrorReached = deferred();
    const stalled = await startServer((req) => {
      req.pause(); // never reads: TCP backpressure builds up towards the sidecar
      mirrorReached.resolve();
    });
    extra.push(stalled);
    await mesh({
      clusters: [...versions(), { name: "reviews.default|shadow", endpoints: [{ port: stalled.port }] }],
      routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1", request_mirror_policies: [{ cluster: "reviews.default|shadow" }] } }],
    });
    const body = "x".repeat(3 * 1024 * 1024);
    const r = await get("/upload", { "content-type": "text/plain" }, "PUT", body);
    expect(r.status).toBe(200);
    expect(r.json().body.length).toBe(body.length);
    await mirrorReached.promise;
  });

  it("ring hash with a cookie: the sidecar sets the cookie and keeps the client on one endpoint", async () => {
    const more = await Promise.all([1, 2, 3].map(() => startEchoServer({ service: "reviews", version: "v1" })));
    try {
      await mesh({
        clusters: [{ name: "reviews.default|v1", endpoints: [v1, ...more].map((s) => ({ port: s.port })), patch: { lb_policy: "RING_HASH" } }],
        routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "reviews.default|v1", hash_policy: [{ cookie: { name: "weft-affinity", ttl: { seconds: 600 }, path: "/" } }] } }],
      });
      const first = await get("/");
      const cookie = String(first.headers["set-cookie"]).split(";")[0]!;
      expect(cookie).toMatch(/^weft-affinity=[0-9a-f]{16}$/);
      const counts = () => [v1, ...more].map((s) => s.received.length);
      const before = counts();
      for (let i = 0; i < 8; i++) {
        const again = await get("/", { cookie });
        expect(again.headers["set-cookie"]).toBeUndefined();
      }
      const delta = counts().map((n, i) => n - before[i]!);
      expect(delta.filter((d) => d > 0)).toEqual([8]);
    } finally {
      await Promise.all(more.map((s) => s.close()));
    }
  });
});
