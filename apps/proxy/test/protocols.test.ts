// HTTP/2 and WebSocket through the sidecars: h2c with prior knowledge into the outbound listener,
// HTTP/2 over TLS (ALPN) into either listener, HTTP/2 to an h2c app when the cluster says so (with
// trailers), ALPN falling back to HTTP/1.1 for an auto_config cluster, streamed bodies; WebSocket
// upgrades through one and two sidecars with bytes both ways and the close propagated.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { connect as h2connect, constants as h2constants, createServer as createH2Server, sensitiveHeaders, type Http2Server, type IncomingHttpHeaders as H2Headers, type ServerHttp2Stream } from "node:http2";
import { createServer as createHttpServer, type Server as HttpServer } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import { connect as netConnect, type AddressInfo } from "node:net";
import { ProxyAgent, request, WebSocket } from "undici";
import { TypeUrl } from "@weft/contracts/proto";
import { startEchoServer, type EchoServer } from "@weft/test-kit";
import { send, waitForMesh } from "./support/harness";
import { startMeshPair, type MeshPair } from "./support/mesh-pair";
import { downstreamTlsSocket, inboundListener, outboundListener, setTransportMesh } from "./support/transport-fixtures";
import { startWsEcho, type WsEcho } from "./support/ws-echo";
import { frame } from "../src/http2/frames";
import { HpackEncoder } from "../src/http2/hpack";
import { dataFrame, headersFrame, startRawH2Server, type RawH2Server } from "./support/raw-h2";

interface H2Reply {
  status: number;
  headers: H2Headers;
  body: string;
  trailers: H2Headers | undefined;
}

/** One HTTP/2 request on `session`, body read fully, trailers kept. */
function h2Request(session: ReturnType<typeof h2connect>, headers: Record<string, string>, body?: Buffer): Promise<H2Reply> {
  return new Promise((resolve, reject) => {
    const stream = session.request(headers, { endStream: body === undefined });
    if (body !== undefined) stream.end(body);
    let reply: H2Reply | undefined;
    const chunks: Buffer[] = [];
    stream.on("response", (h) => (reply = { status: Number(h[":status"]), headers: h, body: "", trailers: undefined }));
    stream.on("trailers", (t) => reply && (reply.trailers = t));
    stream.on("data", (d: Buffer) => chunks.push(d));
    stream.on("end", () => resolve({ ...reply!, body: Buffer.concat(chunks).toString() }));
    stream.on("error", reject);
  });
}

/**
 * A chunked HTTP/1.1 POST written by hand, with trailers no client library would send: `x-request-mac`,
 * and `host` and `max-forwards`, which trailers must not carry on. Resolves with the raw answer once
 * its last chunk is in.
 */
async function chunkedPostWithTrailers(port: number, path: string): Promise<string> {
  const socket = netConnect({ port, host: "127.0.0.1" });
  socket.write(
    `POST ${path} HTTP/1.1\r\nhost: reviews\r\ntransfer-encoding: chunked\r\nte: trailers\r\n\r\n` +
      "7\r\npayload\r\n0\r\nx-request-mac: m4c\r\nhost: elsewhere\r\nmax-forwards: 3\r\n\r\n",
  );
  let text = "";
  socket.setEncoding("latin1").on("data", (d: string) => (text += d));
  try {
    await vi.waitFor(() => expect(text).toMatch(/\r\n0\r\n[\s\S]*\r\n\r\n$/));
  } finally {
    socket.destroy();
  }
  return text;
}

describe("HTTP/2 through two sidecars (mTLS)", () => {
  let app: EchoServer;
  let pair: MeshPair;

  beforeEach(async () => {
    app = await startEchoServer({ service: "reviews", version: "v1" });
    pair = await startMeshPair({ appPort: app.port });
    await pair.configure({ mode: "strict", protocol: "http", appPort: app.port });
  });

  afterEach(async () => {
    await pair.close();
    await app.close();
  });

  it("h2c with prior knowledge into the outbound listener, :authority naming the service; bodies stream both ways", async () => {
    const session = h2connect(`http://127.0.0.1:${pair.client.ports.outbound}`);
    const big = Buffer.alloc(300 * 1024, "a");
    const res = await h2Request(session, { ":method": "POST", ":path": "/upload?x=1", ":authority": "reviews:9080", "content-type": "text/plain" }, big);
    session.close();
    expect(res.status).toBe(200);
    const echoed = JSON.parse(res.body);
    expect(echoed).toMatchObject({ service: "reviews", method: "POST", path: "/upload?x=1" });
    expect(echoed.body.length).toBe(big.length);
    expect(echoed.headers.host).toBe("reviews:9080");
    expect(pair.clientRequests.at(-1)).toMatchObject({ httpVersion: 2, tls: false, requestBytes: big.length });
    expect(pair.serverRequests.at(-1)).toMatchObject({ httpVersion: 2, tls: true });
  });

  it("HTTP/2 over TLS (ALPN h2) into the inbound listener, with a mesh client certificate", async () => {
    const member = await pair.ca.issue("ratings");
    const session = h2connect(`https://127.0.0.1:${pair.server.ports.inbound}`, { ca: pair.ca.certPem, key: member.keyPem, cert: member.certPem, checkServerIdentity: () => undefined });
    const res = await h2Request(session, { ":path": "/direct", ":authority": "reviews" });
    session.close();
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).path).toBe("/direct");
    expect(pair.serverRequests.at(-1)).toMatchObject({ httpVersion: 2, tls: true });
    expect(pair.serverRequests.at(-1)!.peer?.spiffeId).toBe(member.spiffeId);
  });

  it("HTTP/2 over TLS into the outbound listener when its filter chain terminates TLS", async () => {
    const tlsOutbound = outboundListener(pair.client.ports.outbound) as any;
    tlsOutbound.filter_chains[0].transport_socket = downstreamTlsSocket();
    tlsOutbound.filter_chains[0].transport_socket.typed_config.require_client_certificate = { value: false };
    delete tlsOutbound.filter_chains[0].transport_socket.typed_config.common_tls_context.validation_context.match_typed_subject_alt_names;
    const lds = pair.adsClient.set(TypeUrl.Listener, [inboundListener(pair.client.ports.inbound, "strict"), tlsOutbound]);
    await pair.adsClient.waitForAck(TypeUrl.Listener, lds);
    const session = h2connect(`https://127.0.0.1:${pair.client.ports.outbound}`, { ca: pair.ca.certPem, checkServerIdentity: () => undefined });
    const res = await h2Request(session, { ":path": "/over-tls", ":authority": "reviews" });
    session.close();
    expect(res.status).toBe(200);
    expect(pair.clientRequests.at(-1)).toMatchObject({ httpVersion: 2, tls: true, peer: undefined });
    // Plaintext is no longer accepted on that port.
    await expect(send(`${pair.client.outboundUrl}/`, { headers: { host: "reviews" } })).rejects.toThrow();
  });
});

describe("HTTP/2 to the app when the cluster says so", () => {
  let h2App: Http2Server;
  let appPort: number;
  let pair: MeshPair;
  const seen: Array<{ version: string; path: string }> = [];

  beforeEach(async () => {
    h2App = createH2Server((req, res) => {
      seen.push({ version: req.httpVersion, path: req.url });
      res.setHeader("content-type", "text/plain");
      res.addTrailers({ "x-checksum": "abc123" });
      res.end(`h2 app saw ${req.url}`);
    });
    await new Promise<void>((resolve) => h2App.listen(0, "127.0.0.1", resolve));
    appPort = (h2App.address() as AddressInfo).port;
    pair = await startMeshPair({ appPort });
  });

  afterEach(async () => {
    await pair.close();
    await new Promise<void>((resolve) => h2App.close(() => resolve()));
  });

  for (const direct of [true, false]) {
    it(`${direct ? "one sidecar" : "two sidecars"}: an HTTP/1.1 caller reaches an h2c app; HTTP/2 callers get its trailers`, async () => {
      // explicit_http_config.http2_protocol_options on the app's cluster (the gRPC protocol row).
      await pair.configure({ mode: "strict", protocol: "grpc", appPort, direct });
      const viaH1 = await request(`${pair.client.outboundUrl}/from-h1`, { headers: { host: "reviews" } });
      expect(viaH1.statusCode).toBe(200);
      expect(await viaH1.body.text()).toBe("h2 app saw /from-h1");
      expect(viaH1.trailers["x-checksum"]).toBe("abc123"); // relayed as a chunked trailer field
      const session = h2connect(`http://127.0.0.1:${pair.client.ports.outbound}`);
      const viaH2 = await h2Request(session, { ":path": "/from-h2", ":authority": "reviews" });
      session.close();
      expect(viaH2.body).toBe("h2 app saw /from-h2");
      expect(viaH2.trailers?.["x-checksum"]).toBe("abc123");
      expect(seen.slice(-2)).toEqual([
        { version: "2.0", path: "/from-h1" },
        { version: "2.0", path: "/from-h2" },
      ]);
    });
  }
});

describe("HTTP/2 app, HTTP/1.1 caller: fields HTTP/1.1 cannot carry", () => {
  let h2App: Http2Server;
  let appPort: number;
  let pair: MeshPair;

  beforeEach(async () => {
    // HTTP/2 allows control characters other than CR, LF and NUL in field values; HTTP/1.1 does not.
    h2App = createH2Server();
    h2App.on("stream", (stream, headers) => {
      const badHeader = headers[":path"] === "/bad-header";
      stream.respond({ ":status": 200, "content-type": "text/plain", ...(badHeader ? { "x-detail": "a\u0001b" } : {}) }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "x-detail": "line one\u0001line two", "x-checksum": "abc" }));
      stream.end("body");
    });
    await new Promise<void>((resolve) => h2App.listen(0, "127.0.0.1", resolve));
    appPort = (h2App.address() as AddressInfo).port;
    pair = await startMeshPair({ appPort });
    await pair.configure({ mode: "strict", protocol: "grpc", appPort, direct: true });
  });

  afterEach(async () => {
    await pair.close();
    await new Promise<void>((resolve) => h2App.close(() => resolve()));
  });

  it("a trailer field is dropped (the others relayed); a header field gets a 502 naming it", async () => {
    const ok = await request(`${pair.client.outboundUrl}/bad-trailer`, { headers: { host: "reviews" } });
    expect(await ok.body.text()).toBe("body");
    expect(ok.trailers).toEqual({ "x-checksum": "abc" });
    const bad = await request(`${pair.client.outboundUrl}/bad-header`, { headers: { host: "reviews" } });
    expect(bad.statusCode).toBe(502);
    expect(await bad.body.json()).toEqual({
      code: "WEFT_UPSTREAM_RESET",
      message: 'the upstream\'s response cannot be relayed: header "x-detail" has a value with control characters; it cannot be sent over HTTP/1.1',
    });
  });
});

// An h2c app whose connection fails in the same turn as its response headers arrive: the sidecar
// acknowledges the SETTINGS that came with them, and that write fails at once. The body is gone
// before the exchange relays anything.
/** An h2c "app" that answers a request with SETTINGS + HEADERS(200) + DATA in one write, then resets the connection. */
function startDyingApp(): Promise<RawH2Server> {
  return startRawH2Server(
    (id) => [frame(0x4, 0, 0, 0), headersFrame(new HpackEncoder(), id, [":status", "200", "content-type", "application/octet-stream"], false), dataFrame(id, "partial", false)],
    (socket) => socket.resetAndDestroy(),
  );
}

describe("HTTP/2 upstream lost in the turn its response headers arrive", () => {
  let dying: RawH2Server;
  let pair: MeshPair;

  beforeEach(async () => {
    dying = await startDyingApp();
    pair = await startMeshPair({ appPort: dying.port });
    await pair.configure({ mode: "strict", protocol: "grpc", appPort: dying.port, direct: true, noRouteTimeout: true });
  });

  afterEach(async () => {
    await pair.close();
    await dying.close();
  });

  it("HTTP/1.1 and HTTP/2 callers get a 503 saying so, not headers and a body that never ends", async () => {
    const viaH1 = await request(`${pair.client.outboundUrl}/x`, { headers: { host: "reviews" } });
    expect(viaH1.statusCode).toBe(503);
    expect((await viaH1.body.json()) as { code: string }).toMatchObject({ code: "WEFT_UPSTREAM_RESET" });
    const session = h2connect(`http://127.0.0.1:${pair.client.ports.outbound}`);
    try {
      const viaH2 = await h2Request(session, { ":path": "/x", ":authority": "reviews" });
      expect(viaH2.status).toBe(503);
      expect(viaH2.headers["x-weft-error"]).toBe("WEFT_UPSTREAM_RESET");
    } finally {
      session.close();
    }
  });
});

describe("HTTP/2 end to end: fields sent never indexed stay so (HPACK §6.2.3)", () => {
  let h2App: Http2Server;
  let pair: MeshPair;

  beforeEach(async () => {
    // The core API: node's compatibility layer would send trailers of its own.
    h2App = createH2Server();
    h2App.on("stream", (stream, headers) => {
      const neverIndexed = (h: H2Headers) => String((h as Record<symbol, unknown>)[sensitiveHeaders]);
      if (headers[":path"] === "/trailers") {
        // Reports which of the request's trailers arrived never indexed, in trailers of its own.
        let requestTrailers: H2Headers = {};
        stream.on("trailers", (t: H2Headers) => (requestTrailers = t));
        stream.resume().on("end", () => {
          stream.respond({ ":status": 200 }, { waitForTrailers: true });
          stream.on("wantTrailers", () =>
            stream.sendTrailers({
              "x-signature": "s1g",
              "x-plain": "p",
              [sensitiveHeaders]: ["x-signature"],
              "x-got-never-indexed": neverIndexed(requestTrailers),
              "x-got-trailers": Object.keys(requestTrailers).sort().join(","),
            }),
          );
          stream.end("body");
        });
        return;
      }
      stream.respond({ ":status": 200, "x-token": "t0k3n", "x-plain": "p", [sensitiveHeaders]: ["x-token"], "x-got-never-indexed": neverIndexed(headers) });
      stream.end("secret");
    });
    await new Promise<void>((resolve) => h2App.listen(0, "127.0.0.1", resolve));
    const appPort = (h2App.address() as AddressInfo).port;
    pair = await startMeshPair({ appPort });
    await pair.configure({ mode: "strict", protocol: "grpc", appPort, direct: false });
  });

  afterEach(async () => {
    await pair.close();
    await new Promise<void>((resolve) => h2App.close(() => resolve()));
  });

  it("through two sidecars (h2c, mTLS HTTP/2, h2c), request and response fields keep the flag", async () => {
    const session = h2connect(`http://127.0.0.1:${pair.client.ports.outbound}`);
    const headers = await new Promise<H2Headers>((resolve, reject) => {
      const stream = session.request({ ":path": "/secret", ":authority": "reviews", "x-secret": "s3cr3t", "x-plain": "p", [sensitiveHeaders]: ["x-secret"] });
      stream.on("response", (h) => {
        stream.resume();
        stream.on("end", () => resolve(h));
      });
      stream.on("error", reject);
    });
    session.close();
    expect(headers[":status"]).toBe(200);
    expect(headers["x-got-never-indexed"]).toBe("x-secret");
    expect((headers as Record<symbol, unknown>)[sensitiveHeaders]).toEqual(["x-token"]);
  });

  it("through two sidecars, request and response trailers keep it too", async () => {
    const session = h2connect(`http://127.0.0.1:${pair.client.ports.outbound}`);
    const trailers = await new Promise<H2Headers>((resolve, reject) => {
      const stream = session.request({ ":method": "POST", ":path": "/trailers", ":authority": "reviews" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "x-request-mac": "m4c", "x-plain": "p", [sensitiveHeaders]: ["x-request-mac"] }));
      stream.end("payload");
      stream.resume();
      stream.on("trailers", (t: H2Headers) => resolve(t));
      stream.on("error", reject);
    });
    session.close();
    expect(trailers["x-got-never-indexed"]).toBe("x-request-mac");
    expect(trailers["x-signature"]).toBe("s1g");
    expect((trailers as Record<symbol, unknown>)[sensitiveHeaders]).toEqual(["x-signature"]);
  });

  it("relays a chunked HTTP/1.1 request's trailers to the HTTP/2 app, without the fields trailers must not carry", async () => {
    const text = await chunkedPostWithTrailers(pair.client.ports.outbound, "/trailers");
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(text).toContain("x-got-trailers: x-request-mac\r\n");
  });
});

describe("HTTP/1.1 app: trailers relayed in the last chunk", () => {
  let h1App: HttpServer;
  let pair: MeshPair;
  const received: Array<Record<string, string | undefined>> = [];

  beforeEach(async () => {
    h1App = createHttpServer((req, res) => {
      req.resume().on("end", () => {
        received.push({ ...req.trailers });
        res.writeHead(200, { "content-type": "text/plain" });
        res.addTrailers({ "x-checksum": "abc123", host: "elsewhere", "max-forwards": "1" });
        res.end("h1 app");
      });
    });
    await new Promise<void>((resolve) => h1App.listen(0, "127.0.0.1", resolve));
    pair = await startMeshPair({ appPort: (h1App.address() as AddressInfo).port });
  });

  afterEach(async () => {
    await pair.close();
    await new Promise<void>((resolve) => h1App.close(() => resolve()));
  });

  for (const direct of [true, false]) {
    it(`${direct ? "one sidecar" : "two sidecars"}: a chunked HTTP/1.1 request's and an HTTP/2 request's trailers reach it, without the fields trailers must not carry`, async () => {
      await pair.configure({ mode: "strict", protocol: "http", appPort: (h1App.address() as AddressInfo).port, direct });
      const text = await chunkedPostWithTrailers(pair.client.ports.outbound, "/upload");
      expect(received.at(-1)).toEqual({ "x-request-mac": "m4c" });
      // The app's trailers come back the same way: its checksum, not its framing fields.
      const lastChunk = text.slice(text.lastIndexOf("\r\n0\r\n"));
      expect(lastChunk).toContain("x-checksum: abc123\r\n");
      expect(lastChunk).not.toMatch(/host|max-forwards/i);

      const session = h2connect(`http://127.0.0.1:${pair.client.ports.outbound}`);
      try {
        await new Promise<void>((resolve, reject) => {
          const stream = session.request({ ":method": "POST", ":path": "/upload", ":authority": "reviews" }, { waitForTrailers: true });
          stream.on("wantTrailers", () => stream.sendTrailers({ "x-request-mac": "h2m4c" }));
          stream.end("payload");
          stream.resume().on("end", () => resolve());
          stream.on("error", reject);
        });
      } finally {
        session.close();
      }
      expect(received.at(-1)).toEqual({ "x-request-mac": "h2m4c" });
    });
  }
});

describe("HTTP/2 upstream: a request it refused unprocessed", () => {
  let h2App: Http2Server;
  let pair: MeshPair;
  /** An h2c app reached through the pair (or its client sidecar alone: `direct`); `handler` gets every stream. */
  async function startApp(handler: (stream: ServerHttp2Stream, headers: H2Headers) => void, direct: boolean): Promise<void> {
    h2App = createH2Server();
    h2App.on("stream", (stream, headers) => {
      stream.on("error", () => undefined); // node reports the resets it sent itself
      handler(stream, headers);
    });
    await new Promise<void>((resolve) => h2App.listen(0, "127.0.0.1", resolve));
    const appPort = (h2App.address() as AddressInfo).port;
    pair = await startMeshPair({ appPort });
    await pair.configure({ mode: "strict", protocol: "grpc", appPort, direct });
  }
  afterEach(async () => {
    await pair?.close();
    await new Promise<void>((resolve) => h2App.close(() => resolve()));
  });

  it("is sent once more, not failed, when the upstream refused it with REFUSED_STREAM (transparent retry)", async () => {
    let streams = 0;
    await startApp((stream, headers) => {
      // The test's request is refused the first time: REFUSED_STREAM promises nothing was processed (RFC 9113 §8.7).
      if (headers[":path"] === "/once" && streams++ === 0) return void stream.close(h2constants.NGHTTP2_REFUSED_STREAM);
      stream.respond({ ":status": 200 });
      stream.end(`served, attempt ${streams}`);
    }, false);

    const res = await send(`${pair.client.outboundUrl}/once`, { headers: { host: "reviews" } });
    expect(res.status).toBe(200);
    expect(res.text).toBe("served, attempt 2");
  });

  it("is sent once more with a streamed body: the bytes sent before the refusal, then the rest", async () => {
    let attempts = 0;
    const bodies: string[] = [];
    await startApp((stream) => {
      // The first attempt is refused once part of the body has arrived (its GOAWAY crossed it).
      if (attempts++ === 0) return void stream.once("data", () => stream.close(h2constants.NGHTTP2_REFUSED_STREAM));
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        bodies.push(Buffer.concat(chunks).toString());
        stream.respond({ ":status": 200 });
        stream.end(`served, attempt ${attempts}`);
      });
    }, true);

    // A chunked upload: its body streams (no retry policy buffers it). Its second part is sent
    // only after the upstream refused the first attempt.
    const socket = netConnect({ port: pair.client.ports.outbound, host: "127.0.0.1" });
    let text = "";
    try {
      socket.write("POST /upload HTTP/1.1\r\nhost: reviews\r\ntransfer-encoding: chunked\r\n\r\n6\r\npart1-\r\n");
      socket.setEncoding("latin1").on("data", (d: string) => (text += d));
      await vi.waitFor(() => expect(attempts).toBe(2));
      socket.write("5\r\npart2\r\n0\r\n\r\n");
      await vi.waitFor(() => expect(text).toContain("served, attempt 2"));
    } finally {
      socket.destroy();
    }
    expect(text).toMatch(/^HTTP\/1\.1 200/);
    expect(bodies).toEqual(["part1-part2"]);
  });
});

describe("auto_config over TLS", () => {
  it("falls back to HTTP/1.1 when the endpoint's ALPN says so", async () => {
    const echo = await startEchoServer({ service: "unused" });
    const pair = await startMeshPair({ appPort: echo.port });
    const serverCert = await pair.ca.issue("reviews");
    const peers: string[] = [];
    const https: HttpsServer = createHttpsServer(
      { key: serverCert.keyPem, cert: serverCert.certPem, ca: pair.ca.certPem, requestCert: true, rejectUnauthorized: true, ALPNProtocols: ["http/1.1"] },
      (req, res) => {
        peers.push(String((req.socket as import("node:tls").TLSSocket).getPeerCertificate().subjectaltname));
        res.end(`https h1 app, ${req.httpVersion}`);
      },
    );
    await new Promise<void>((resolve) => https.listen(0, "127.0.0.1", resolve));
    try {
      const port = (https.address() as AddressInfo).port;
      // The client sidecar's reviews cluster: auto_config + mTLS to an endpoint that only speaks HTTP/1.1.
      await waitForMesh(
        pair.adsClient,
        setTransportMesh(pair.adsClient, { inboundPort: pair.client.ports.inbound, outboundPort: pair.client.ports.outbound, appPort: 1, mode: "strict" }, [
          { name: "reviews", endpoints: [{ port }] },
        ]),
      );
      const res1 = await send(`${pair.client.outboundUrl}/a`, { headers: { host: "reviews" } });
      const res2 = await send(`${pair.client.outboundUrl}/b`, { headers: { host: "reviews" } });
      expect([res1.text, res2.text]).toEqual(["https h1 app, 1.1", "https h1 app, 1.1"]);
      expect(peers[0]).toContain("URI:spiffe://weft.local/ns/default/sa/productpage");
    } finally {
      await pair.close();
      await new Promise<void>((resolve) => https.close(() => resolve()));
      await echo.close();
    }
  });
});

describe("WebSocket upgrades", () => {
  let ws: WsEcho;
  let pair: MeshPair;

  beforeEach(async () => {
    ws = await startWsEcho();
    pair = await startMeshPair({ appPort: ws.port });
  });

  afterEach(async () => {
    await pair.close();
    await ws.close();
  });

  async function chat(): Promise<{ got: Array<string | number>; closeCode: number }> {
    const agent = new ProxyAgent(`http://127.0.0.1:${pair.client.ports.outbound}`);
    const socket = new WebSocket("ws://reviews:9080/chat", { dispatcher: agent });
    socket.binaryType = "arraybuffer";
    const got: Array<string | number> = [];
    await new Promise<void>((resolve, reject) => {
      socket.onopen = () => resolve();
      socket.onerror = () => reject(new Error("websocket failed to open"));
    });
    const next = () => new Promise<void>((resolve) => (socket.onmessage = (e) => (got.push(typeof e.data === "string" ? e.data : (e.data as ArrayBuffer).byteLength), resolve())));
    let m = next();
    socket.send("hello");
    await m;
    m = next();
    socket.send(new Uint8Array(70_000)); // 64-bit length frame, several TCP segments
    await m;
    const closeCode = await new Promise<number>((resolve) => {
      socket.onclose = (e) => resolve(e.code);
      socket.close(1000, "bye");
    });
    await agent.close();
    return { got, closeCode };
  }

  for (const direct of [false, true]) {
    it(`${direct ? "one sidecar" : "two sidecars (mTLS)"}: messages both ways, then the close reaches the app and back`, async () => {
      await pair.configure({ mode: "strict", protocol: "http", appPort: ws.port, direct });
      const { got, closeCode } = await chat();
      expect(got).toEqual(["hello", 70_000]);
      expect(closeCode).toBe(1000);
      await expect.poll(() => ws.closed).toBe(1);
      expect(ws.upgrades[0]!.path).toBe("/chat");
      expect(ws.upgrades[0]!.headers.upgrade).toBe("websocket");
      await expect.poll(() => pair.clientRequests.length).toBeGreaterThan(0);
      expect(pair.clientRequests.at(-1)).toMatchObject({ upgrade: "websocket", status: 101 });
      expect(pair.clientRequests.at(-1)!.responseBytes).toBeGreaterThan(70_000);
      if (!direct) {
        await expect.poll(() => pair.serverRequests.length).toBeGreaterThan(0);
        expect(pair.serverRequests.at(-1)).toMatchObject({ upgrade: "websocket", status: 101, tls: true, httpVersion: 1 });
        expect(pair.serverRequests.at(-1)!.peer?.service).toBe("productpage");
      }
    });
  }
});
