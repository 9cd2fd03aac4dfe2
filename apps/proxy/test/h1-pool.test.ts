// The sidecar's HTTP/1.1 upstream pool (upstream/h1-pool.ts) on real loopback sockets, against a raw
// TCP server, so every byte on the wire is the test's to write or check. Timeouts run on a fake clock.
// The downstream half, the server codec, is in http1-server.test.ts.
import { createConnection, createServer, type Socket } from "node:net";
import { PassThrough, Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createFakeClock } from "@weft/test-kit";
import { createH1Pool } from "../src/upstream/h1-pool";
import { attemptBody } from "../src/resilience/replay-buffer";
import { REPLAY_LIMIT_BYTES } from "../src/upstream/body-replay";
import { afterTest, listen, readAll } from "./support/codec-sockets";

/** A raw upstream: each connection's bytes are handed to `onRequest`, which writes what it likes. */
async function rawUpstream(onRequest: (socket: Socket, request: string, n: number) => void) {
  let connections = 0;
  const requests: string[] = [];
  const server = createServer((socket) => {
    connections++;
    let n = 0;
    socket.on("error", () => undefined);
    socket.on("data", (d: Buffer) => {
      const text = d.toString("latin1");
      requests.push(text);
      onRequest(socket, text, n++);
    });
  });
  const port = await listen(server);
  return { port, requests, connections: () => connections };
}

function poolTo(port: number, clock = createFakeClock(), headersTimeoutMs = 0) {
  const pool = createH1Pool(
    {
      connect: () => createConnection({ port, host: "127.0.0.1" }),
      authority: `127.0.0.1:${port}`,
      keepAliveTimeoutMs: 4_000,
      headersTimeoutMs,
    },
    () => clock.now(),
  );
  afterTest(() => pool.destroy());
  return { pool, clock };
}

describe("HTTP/1.1 codec — upstream pool", () => {
  it("returns a body that came with its head as one buffer, a longer one as a stream with trailers", async () => {
    const up = await rawUpstream((s, req) => {
      if (req.startsWith("GET /small")) s.write("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nsmall");
      else {
        s.write("HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\npart\r\n");
        setImmediate(() => s.write("4\r\n two\r\n0\r\ngrpc-status: 0\r\n\r\n"));
      }
    });
    const { pool } = poolTo(up.port);
    const small = await pool.request({ method: "GET", path: "/small", headers: { host: "svc" }, body: null });
    expect(Buffer.isBuffer(small.body) && small.body.toString()).toBe("small");
    const streamed = await pool.request({ method: "GET", path: "/stream", headers: { host: "svc" }, body: null });
    const body = streamed.body as Readable;
    const trailers = new Promise((resolve) => body.once("trailers", resolve));
    expect(await readAll(body)).toBe("part two");
    expect(await trailers).toEqual({ "grpc-status": "0" });
    expect(up.connections()).toBe(1); // kept alive and reused
    expect(up.requests[0]).toBe("GET /small HTTP/1.1\r\nhost: svc\r\n\r\n");
  });

  it("a response's 40 trailer fields arrive whole, and the next response on the connection keeps its head", async () => {
    const many = Array.from({ length: 40 }, (_, i) => `x-t${i}: v${i}\r\n`).join("");
    const up = await rawUpstream((s, req) => {
      if (req.startsWith("GET /first")) s.write(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\npart\r\n0\r\n${many}\r\n`);
      else s.write("HTTP/1.1 202 Accepted\r\nx-second: yes\r\ncontent-length: 2\r\n\r\nok");
    });
    const { pool } = poolTo(up.port);
    const first = await pool.request({ method: "GET", path: "/first", headers: { host: "svc" }, body: null });
    const body = first.body as Readable;
    const trailers = new Promise<Record<string, string>>((resolve) => body.once("trailers", resolve));
    expect(await readAll(body)).toBe("part");
    expect(Object.keys(await trailers)).toHaveLength(40);
    const second = await pool.request({ method: "GET", path: "/second", headers: { host: "svc" }, body: null });
    expect({ status: second.statusCode, header: second.headers["x-second"], body: String(second.body) }).toEqual({ status: 202, header: "yes", body: "ok" });
    expect(up.connections()).toBe(1);
  });

  it("frames request bodies: a buffer with its length, a stream of unknown length chunked", async () => {
    const up = await rawUpstream((s, req) => {
      if (req.includes("hello") || req.endsWith("0\r\n\r\n")) s.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
    });
    const { pool } = poolTo(up.port);
    await pool.request({ method: "POST", path: "/b", headers: { host: "svc" }, body: Buffer.from("hello") });
    const stream = new PassThrough();
    const done = pool.request({ method: "POST", path: "/s", headers: { host: "svc" }, body: stream });
    stream.write("ab");
    stream.end("c");
    await done;
    expect(up.requests[0]).toBe("POST /b HTTP/1.1\r\nhost: svc\r\ncontent-length: 5\r\n\r\nhello");
    expect(up.requests.slice(1).join("")).toBe("POST /s HTTP/1.1\r\nhost: svc\r\ntransfer-encoding: chunked\r\n\r\n2\r\nab\r\n1\r\nc\r\n0\r\n\r\n");
  });

  it("sends an idempotent request once more when the server closed the reused connection without answering; never a streamed POST", async () => {
    const up = await rawUpstream((s, _req, n) => {
      if (n === 0) s.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
      else s.destroy(); // the server's keep-alive timer fired just as the request arrived
    });
    const { pool } = poolTo(up.port);
    await pool.request({ method: "GET", path: "/", headers: {}, body: null });
    const again = await pool.request({ method: "GET", path: "/", headers: {}, body: null });
    expect(String(again.body)).toBe("ok");
    expect(up.connections()).toBe(2);
    const body = Readable.from([Buffer.from("x")]);
    await expect(pool.request({ method: "POST", path: "/", headers: {}, body })).rejects.toThrow();
    expect(up.connections()).toBe(2); // not sent again
  });

  it("sends a streamed body once more, trailers included, when the reused connection was closed; never one larger than the replay keeps", async () => {
    const conns: Socket[] = [];
    const received = new Map<Socket, string>();
    const answered = new Set<Socket>();
    const up = await rawUpstream((s, req) => {
      if (!conns.includes(s)) conns.push(s);
      const all = (received.get(s) ?? "") + req;
      received.set(s, all);
      if (answered.has(s)) {
        s.destroy(); // the server's keep-alive timer fired just as the next request arrived
        return;
      }
      const whole = all.startsWith("GET") ? all.endsWith("\r\n\r\n") : /\r\n0\r\n(.*\r\n)*\r\n$/.test(all);
      if (!whole) return;
      answered.add(s);
      s.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok");
    });
    const { pool } = poolTo(up.port);
    await pool.request({ method: "GET", path: "/", headers: {}, body: null });

    const body = attemptBody({ bytes: Buffer.from("abc"), trailers: { "x-sum": "7" } });
    const res = await pool.request({ method: "PUT", path: "/r", headers: { host: "svc" }, body });
    expect(String(res.body)).toBe("ok");
    expect(up.connections()).toBe(2);
    const resent = received.get(conns[1]!)!;
    expect(resent.startsWith("PUT /r HTTP/1.1\r\nhost: svc\r\ntransfer-encoding: chunked\r\n\r\n")).toBe(true);
    expect(resent.endsWith("3\r\nabc\r\n0\r\nx-sum: 7\r\n\r\n")).toBe(true);

    // The second connection is now the idle one, and the server drops it in turn: a body that
    // cannot be produced again (more was sent than the replay keeps) fails instead of being half-sent twice.
    const large = new Readable({ read() {} });
    large.push(Buffer.alloc(REPLAY_LIMIT_BYTES + 1, "x"));
    large.push(null);
    await expect(pool.request({ method: "PUT", path: "/r", headers: { host: "svc" }, body: large })).rejects.toThrow();
    expect(up.connections()).toBe(2);
  });

  it("closes idle connections after the server's Keep-Alive hint and fails a missing head after headersTimeout, on the clock", async () => {
    const up = await rawUpstream((s, req) => {
      if (req.startsWith("GET /hint")) s.write("HTTP/1.1 200 OK\r\nkeep-alive: timeout=2\r\ncontent-length: 0\r\n\r\n");
      // GET /hang: never answered
    });
    const { pool, clock } = poolTo(up.port, createFakeClock(), 30_000);
    await pool.request({ method: "GET", path: "/hint", headers: {}, body: null });
    expect(pool.connections()).toBe(1);
    clock.advance(1_000); // the hint minus a second of margin
    pool.sweep(clock.now());
    expect(pool.connections()).toBe(0);
    const hang = pool.request({ method: "GET", path: "/hang", headers: {}, body: null });
    clock.advance(30_000);
    pool.sweep(clock.now());
    await expect(hang).rejects.toMatchObject({ code: "WEFT_HEADERS_TIMEOUT" });
  });

  it("rejects an invalid response naming the problem, and HEAD/204 answers have no body", async () => {
    const up = await rawUpstream((s, req) => {
      if (req.startsWith("HEAD")) s.write("HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\n");
      else if (req.startsWith("GET /none")) s.write("HTTP/1.1 204 No Content\r\n\r\n");
      else s.write("HTTP/1.1 abc\r\n\r\n");
    });
    const { pool } = poolTo(up.port);
    const head = await pool.request({ method: "HEAD", path: "/", headers: {}, body: null });
    expect([head.statusCode, head.headers["content-length"], head.body]).toEqual([200, "10", null]);
    const none = await pool.request({ method: "GET", path: "/none", headers: {}, body: null });
    expect([none.statusCode, none.body]).toEqual([204, null]);
    await expect(pool.request({ method: "GET", path: "/bad", headers: {}, body: null })).rejects.toMatchObject({
      code: "WEFT_UPSTREAM_PROTOCOL",
      message: expect.stringMatching(/^invalid HTTP\/1\.1 response from 127\.0\.0\.1:\d+: /),
    });
  });

  it("an aborted request before its answer fails with the abort reason and frees nothing half-read", async () => {
    const up = await rawUpstream(() => undefined);
    const { pool } = poolTo(up.port);
    const controller = new AbortController();
    const pending = pool.request({ method: "GET", path: "/", headers: {}, body: null, signal: controller.signal });
    controller.abort(new Error("route timeout"));
    await expect(pending).rejects.toThrow("route timeout");
    expect(pool.connections()).toBe(0);
  });
});

describe("HTTP/1.1 codec — upstream pool, connection edges", () => {
  it("reads a body that ends with the connection (no length, no chunks) to its end", async () => {
    const up = await rawUpstream((s) => s.end("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nuntil the end"));
    const { pool } = poolTo(up.port);
    const res = await pool.request({ method: "GET", path: "/", headers: {}, body: null });
    const body = res.body;
    expect(Buffer.isBuffer(body) ? body.toString() : await readAll(body as Readable)).toBe("until the end");
  });

  it("a large answer read slowly: the connection goes back to the pool reading, and serves the next request", async () => {
    const big = "z".repeat(300_000);
    const up = await rawUpstream((s, req) => {
      if (req.startsWith("GET /big")) s.write(`HTTP/1.1 200 OK\r\ncontent-length: ${big.length}\r\n\r\n${big}`);
      else s.write("HTTP/1.1 200 OK\r\ncontent-length: 4\r\n\r\nnext");
    });
    const { pool } = poolTo(up.port);
    const res = await pool.request({ method: "GET", path: "/big", headers: {}, body: null });
    const body = res.body as Readable;
    // Nobody reads yet: the body's buffer fills and the pool pauses the socket.
    await expect.poll(() => body.readableLength).toBeGreaterThanOrEqual(16 * 1024);
    expect((await readAll(body)).length).toBe(big.length);
    const next = await pool.request({ method: "GET", path: "/next", headers: {}, body: null });
    expect(String(next.body)).toBe("next");
    expect(up.connections()).toBe(1);
  });

  it("relays a complete response followed by stray bytes (past its length, a body on a HEAD answer), then drops the connection", async () => {
    const up = await rawUpstream((s, req) => s.write(req.startsWith("HEAD") ? "HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello" : "HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nokEXTRA"));
    const { pool } = poolTo(up.port);
    const get = await pool.request({ method: "GET", path: "/", headers: {}, body: null });
    expect([get.statusCode, String(get.body)]).toEqual([200, "ok"]);
    const head = await pool.request({ method: "HEAD", path: "/", headers: {}, body: null });
    expect([head.statusCode, head.headers["content-length"], head.body]).toEqual([200, "5", null]);
    expect(up.connections()).toBe(2); // neither connection was used again
  });

  it("refuses a connection that sends two responses to one request", async () => {
    const up = await rawUpstream((s) => s.write("HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhiHTTP/1.1 302 Found\r\nlocation: /evil\r\ncontent-length: 0\r\n\r\n"));
    const { pool } = poolTo(up.port);
    await expect(pool.request({ method: "GET", path: "/", headers: {}, body: null })).rejects.toMatchObject({ code: "WEFT_UPSTREAM_PROTOCOL" });
  });

  it("never sends a body that was aborted before its request went out; a timed-out request is not sent again", async () => {
    const up = await rawUpstream((s, _req, n) => {
      if (n === 0) s.write("HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n");
      // later requests on the connection: never answered
    });
    const { pool, clock } = poolTo(up.port, createFakeClock(), 30_000);
    const aborted = new PassThrough();
    aborted.destroy();
    await expect(pool.request({ method: "POST", path: "/", headers: { "content-length": "10" }, body: aborted })).rejects.toMatchObject({ code: "WEFT_BODY_FAILED" });
    await pool.request({ method: "GET", path: "/first", headers: {}, body: null });
    const slow = pool.request({ method: "GET", path: "/slow", headers: {}, body: null });
    await expect.poll(() => up.requests.some((r) => r.startsWith("GET /slow"))).toBe(true);
    clock.advance(30_000);
    pool.sweep(clock.now());
    await expect(slow).rejects.toMatchObject({ code: "WEFT_HEADERS_TIMEOUT" });
    expect(up.requests.filter((r) => r.startsWith("GET /slow"))).toHaveLength(1);
    expect(up.requests.some((r) => r.startsWith("POST"))).toBe(false);
  });
});
