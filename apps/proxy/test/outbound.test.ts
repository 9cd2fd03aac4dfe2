// Outbound listener end to end: real ADS server, real echo upstreams, real sockets on loopback.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { EnvHttpProxyAgent, ProxyAgent } from "undici";
import { TypeUrl } from "@weft/contracts/proto";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { createConnection, createServer as createNetServer } from "node:net";
import { nextEvent, send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { routeConfig, serviceHost, inboundRoutes, setMesh, type EndpointSpec, type RouteSpec } from "./support/xds-fixtures";
import { closedPort } from "./support/upstreams";

let ads: AdsTestServer;
let app: EchoServer;
let reviewsV1: EchoServer;
let reviewsV2: EchoServer;
let sidecar: TestSidecar;

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage", version: "v1" });
  reviewsV1 = await startEchoServer({ service: "reviews", version: "v1" });
  reviewsV2 = await startEchoServer({ service: "reviews", version: "v2" });
  // 0.5: a 20/80 split picks the second leg; round robin starts mid-list.
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port, random: () => 0.5 });
});

afterEach(async () => {
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), reviewsV1.close(), reviewsV2.close()]);
});

function mesh(opts: { routes?: RouteSpec[]; v1?: EndpointSpec[]; v2?: EndpointSpec[] } = {}) {
  return setMesh(ads, {
    sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
    services: [
      {
        name: "reviews",
        versions: { v1: opts.v1 ?? [{ port: reviewsV1.port }], v2: opts.v2 ?? [{ port: reviewsV2.port }] },
        ...(opts.routes ? { routes: opts.routes } : {}),
      },
    ],
  });
}

describe("outbound: the two ways an app addresses a service", () => {
  it("Host mode: origin-form request with Host: reviews[:port]", async () => {
    await waitForMesh(ads, mesh());
    for (const host of ["reviews", "reviews:9080", "reviews.default.svc:9080"]) {
      const r = await send(`${sidecar.outboundUrl}/reviews/1?x=1`, { headers: { host } });
      expect(r.status, host).toBe(200);
      expect(r.json().service).toBe("reviews");
      expect(r.json().path).toBe("/reviews/1?x=1");
      expect(r.json().headers["x-weft-source"]).toBe("productpage.default|v1");
      expect(r.json().headers.host).toBe(host);
    }
  });

  it("proxy mode: absolute-form request target (HTTP_PROXY without tunnelling)", async () => {
    await waitForMesh(ads, mesh());
    const dispatcher = new ProxyAgent({ uri: sidecar.outboundUrl, proxyTunnel: false });
    try {
      const r = await send("http://reviews:9080/ratings?id=7", { dispatcher });
      expect(r.status).toBe(200);
      expect(r.json()).toMatchObject({ service: "reviews", path: "/ratings?id=7" });
      expect(r.json().headers["x-weft-source"]).toBe("productpage.default|v1");
      expect(r.json().headers["proxy-connection"]).toBeUndefined();
    } finally {
      await dispatcher.close();
    }
  });

  it("proxy mode: undici's EnvHttpProxyAgent (CONNECT tunnel carrying plain HTTP)", async () => {
    await waitForMesh(ads, mesh());
    const dispatcher = new EnvHttpProxyAgent({ httpProxy: sidecar.outboundUrl, noProxy: "" });
    try {
      const first = await send("http://reviews:9080/a", { dispatcher });
      const second = await send("http://reviews:9080/b", { dispatcher });
      expect([first.status, second.status]).toEqual([200, 200]);
      expect([first.json().path, second.json().path]).toEqual(["/a", "/b"]);
      expect(second.json().headers["x-weft-source"]).toBe("productpage.default|v1");
    } finally {
      await dispatcher.close();
    }
  });
});

describe("outbound: routing and balancing", () => {
  it("takes the first matching route (header match before the catch-all)", async () => {
    await waitForMesh(
      ads,
      mesh({
        routes: [
          { name: "tester", prefix: "/", headers: [{ name: "x-user", string_match: { exact: "tester" } }], cluster: "reviews.default|v2" },
          { name: "default", prefix: "/", cluster: "reviews.default|v1" },
        ],
      }),
    );
    const tester = await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews", "x-user": "tester" } });
    const other = await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews", "x-user": "someone" } });
    expect(tester.json().version).toBe("v2");
    expect(other.json().version).toBe("v1");
  });

  it("swaps config atomically: a split change moves the traffic", async () => {
    await waitForMesh(ads, mesh({ routes: [{ name: "default", prefix: "/", split: [["reviews.default|v1", 100]] }] }));
    const before = await Promise.all([1, 2, 3, 4].map(() => send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } })));
    expect(before.map((r) => r.json().version)).toEqual(["v1", "v1", "v1", "v1"]);

    const rds = ads.set(TypeUrl.RouteConfiguration, [
      routeConfig("weft.outbound", [serviceHost("reviews", "default", 9080, [{ name: "default", prefix: "/", split: [["reviews.default|v1", 20], ["reviews.default|v2", 80]] }])]),
      inboundRoutes(),
    ]);
    await ads.waitForAck(TypeUrl.RouteConfiguration, rds);
    const after = await Promise.all([1, 2, 3, 4].map(() => send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } })));
    expect(after.map((r) => r.json().version)).toEqual(["v2", "v2", "v2", "v2"]);
  });

  it("round-robins over healthy endpoints only", async () => {
    const second = await startEchoServer({ service: "reviews", version: "v1b" });
    try {
      const dead = await closedPort();
      await waitForMesh(
        ads,
        mesh({
          routes: [{ name: "default", prefix: "/", cluster: "reviews.default|v1" }],
          v1: [{ port: reviewsV1.port }, { port: dead, health: "UNHEALTHY" }, { port: second.port }, { port: dead, health: "DRAINING" }],
        }),
      );
      const versions: string[] = [];
      for (let i = 0; i < 6; i++) versions.push((await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } })).json().version);
      expect(versions.filter((v) => v === "v1")).toHaveLength(3);
      expect(versions.filter((v) => v === "v1b")).toHaveLength(3);
      expect(versions[0]).not.toBe(versions[1]);
    } finally {
      await second.close();
    }
  });
});

describe("outbound: locally generated errors", () => {
  const error = (r: { status: number; headers: Record<string, unknown>; json(): any }) => ({
    status: r.status,
    header: r.headers["x-weft-error"],
    code: r.json().code,
    message: r.json().message as string,
  });

  it("503 WEFT_NO_CONFIG before the controller sent anything", async () => {
    const e = error(await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } }));
    expect(e).toMatchObject({ status: 503, header: "WEFT_NO_CONFIG", code: "WEFT_NO_CONFIG" });
    expect(e.message).toContain('listener "weft.outbound"');
  });

  it("404 WEFT_ROUTE_NOT_FOUND for an unknown service, listing the known ones", async () => {
    await waitForMesh(ads, mesh());
    const e = error(await send(`${sidecar.outboundUrl}/`, { headers: { host: "ratings:9080" } }));
    expect(e).toMatchObject({ status: 404, header: "WEFT_ROUTE_NOT_FOUND", code: "WEFT_ROUTE_NOT_FOUND" });
    expect(e.message).toBe('no service "ratings:9080" in the mesh; known: reviews');
  });

  it("404 WEFT_ROUTE_NOT_FOUND when no route of the service matches", async () => {
    await waitForMesh(ads, mesh({ routes: [{ name: "api", prefix: "/api", cluster: "reviews.default" }] }));
    const e = error(await send(`${sidecar.outboundUrl}/admin`, { headers: { host: "reviews" } }));
    expect(e).toMatchObject({ status: 404, code: "WEFT_ROUTE_NOT_FOUND" });
    expect(e.message).toBe('no route of "reviews.default" matches GET /admin');
  });

  it("503 WEFT_CLUSTER_NOT_FOUND when the route's cluster is unknown", async () => {
    await waitForMesh(ads, mesh({ routes: [{ name: "default", prefix: "/", cluster: "reviews.default|v9" }] }));
    const e = error(await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } }));
    expect(e).toMatchObject({ status: 503, header: "WEFT_CLUSTER_NOT_FOUND" });
    expect(e.message).toContain('cluster "reviews.default|v9"');
  });

  it("503 WEFT_NO_HEALTHY_ENDPOINT when every endpoint is unhealthy", async () => {
    await waitForMesh(
      ads,
      mesh({ routes: [{ name: "default", prefix: "/", cluster: "reviews.default|v1" }], v1: [{ port: reviewsV1.port, health: "UNHEALTHY" }] }),
    );
    const e = error(await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } }));
    expect(e).toMatchObject({ status: 503, header: "WEFT_NO_HEALTHY_ENDPOINT" });
    expect(e.message).toBe('cluster "reviews.default|v1" has no healthy endpoint (1 known, 0 healthy)');
  });

  it("503 WEFT_UPSTREAM_CONNECT_FAILED when the endpoint refuses connections", async () => {
    const dead = await closedPort();
    await waitForMesh(ads, mesh({ routes: [{ name: "default", prefix: "/", cluster: "reviews.default|v1" }], v1: [{ port: dead }] }));
    const e = error(await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews" } }));
    expect(e).toMatchObject({ status: 503, header: "WEFT_UPSTREAM_CONNECT_FAILED" });
    expect(e.message).toContain(`endpoint 127.0.0.1:${dead} of cluster "reviews.default|v1"`);
  });
});

describe("outbound: a request body that breaks after its head went upstream", () => {
  // The second request asks to close the connection after it: its broken body is still answered.
  it.each([[""], ["connection: close\r\n"]])("is answered 400 naming the problem, its upstream request is cut, and it is recorded as a 400 (%j)", async (extra) => {
    // A raw upstream that tells when the request head arrived and when its connection went.
    let headSeen!: () => void;
    let upstreamClosed!: () => void;
    const head = new Promise<void>((resolve) => (headSeen = resolve));
    const upstreamGone = new Promise<void>((resolve) => (upstreamClosed = resolve));
    const raw = createNetServer((socket) => {
      let text = "";
      socket.on("error", () => undefined);
      socket.on("data", (d: Buffer) => {
        text += d.toString("latin1");
        if (text.includes("\r\n\r\n")) headSeen();
      });
      socket.once("close", () => upstreamClosed());
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    try {
      const port = (raw.address() as { port: number }).port;
      await waitForMesh(ads, mesh({ routes: [{ name: "default", prefix: "/", cluster: "reviews.default|v1" }], v1: [{ port }] }));
      const recorded = nextEvent(sidecar, "request");
      const client = createConnection({ port: sidecar.ports.outbound, host: "127.0.0.1" });
      let answer = "";
      client.on("error", () => undefined).on("data", (d: Buffer) => (answer += d.toString("latin1")));
      const clientClosed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      client.write(`POST /upload HTTP/1.1\r\nhost: reviews\r\n${extra}transfer-encoding: chunked\r\n\r\n5\r\nhello\r\n`);
      await head;
      client.write("zz\r\nnot a chunk\r\n");
      // The record comes with the answer, before the upstream attempt's own end is known.
      const record = await recorded;
      expect(record.status).toBe(400);
      expect(record.downstreamGone).toBe(true);
      await Promise.all([clientClosed, upstreamGone]);
      expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*connection: close\r\n\r\nmalformed HTTP\/1\.1 request: Invalid character in chunk size\n$/);
    } finally {
      raw.close();
    }
  });
});
