// The sidecar's own HTTP/1.1 server codec (http1/server.ts) on real loopback sockets, against a raw
// TCP client, so every byte on the wire is the test's to write or check. Timeouts run on a fake clock.
// The upstream half, the pool, is in h1-pool.test.ts.
import { createConnection, createServer, type Socket } from "node:net";
import { describe, expect, it } from "vitest";
import { createFakeClock } from "@weft/test-kit";
import { createH1Server, type H1Request, type H1Response } from "../src/http1/server";
import { afterTest, listen, readAll } from "./support/codec-sockets";

/** A raw client: writes bytes, collects everything the server sends until it closes (or `until` matches). */
async function rawClient(port: number): Promise<{ socket: Socket; received: () => string; waitFor(re: RegExp): Promise<string>; closed: Promise<void> }> {
  const socket = createConnection({ port, host: "127.0.0.1" });
  afterTest(() => socket.destroy());
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  let text = "";
  const waiters: { re: RegExp; resolve: (s: string) => void }[] = [];
  socket.on("data", (d: Buffer) => {
    text += d.toString("latin1");
    for (const w of waiters.splice(0)) {
      if (w.re.test(text)) w.resolve(text);
      else waiters.push(w);
    }
  });
  const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  return {
    socket,
    received: () => text,
    waitFor: (re) => (re.test(text) ? Promise.resolve(text) : new Promise((resolve) => waiters.push({ re, resolve }))),
    closed,
  };
}

function startCodec(handler: (req: H1Request, res: H1Response) => void, clock = createFakeClock()) {
  const handedOff: { socket: unknown; bytes: Buffer }[] = [];
  const codec = createH1Server({
    request: handler,
    handOff: (socket, bytes) => {
      handedOff.push({ socket, bytes });
      socket.destroy();
    },
    clock,
    keepAliveTimeoutMs: 65_000,
    headersTimeoutMs: 70_000,
  });
  afterTest(() => codec.destroyAll());
  const accepted: Socket[] = [];
  const server = createServer({ allowHalfOpen: true }, (s) => {
    accepted.push(s);
    codec.accept(s);
  });
  return { codec, clock, handedOff, accepted, port: listen(server) };
}

const turns = async (n = 20) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

describe("HTTP/1.1 codec — downstream", () => {
  it("answers pipelined requests in order, whatever order the answers are ready in", async () => {
    let releaseFirst!: () => void;
    const first = new Promise<void>((r) => (releaseFirst = r));
    const { port } = startCodec((req, res) => {
      if (req.url === "/slow") void first.then(() => res.writeHead(200, { "x-which": "slow" }).end(Buffer.from("slow")));
      else res.writeHead(200, { "x-which": "fast" }).end(Buffer.from("fast"));
    });
    const c = await rawClient(await port);
    c.socket.write("GET /slow HTTP/1.1\r\nhost: a\r\n\r\nGET /fast HTTP/1.1\r\nhost: a\r\n\r\n");
    await new Promise((r) => setImmediate(r));
    expect(c.received()).toBe(""); // the fast answer waits for the slow one
    releaseFirst();
    const text = await c.waitFor(/fast$/);
    expect(text.indexOf("x-which: slow")).toBeLessThan(text.indexOf("x-which: fast"));
    expect(text).toMatch(/^HTTP\/1\.1 200 OK\r\nx-which: slow\r\ncontent-length: 4\r\n\r\nslowHTTP\/1\.1 200 OK\r\nx-which: fast\r\ncontent-length: 4\r\n\r\nfast$/);
  });

  it("streams bodies chunked with trailers to HTTP/1.1 clients and until close to HTTP/1.0 clients", async () => {
    const { port } = startCodec((req, res) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.write(Buffer.from("hello "));
      res.addTrailers({ "grpc-status": "0" });
      res.end(Buffer.from("world"));
    });
    const c11 = await rawClient(await port);
    c11.socket.write("GET / HTTP/1.1\r\nhost: a\r\n\r\n");
    expect(await c11.waitFor(/0\r\ngrpc-status: 0\r\n\r\n$/)).toMatch(/transfer-encoding: chunked\r\n\r\n6\r\nhello \r\n5\r\nworld\r\n0\r\ngrpc-status: 0\r\n\r\n$/);
    const c10 = await rawClient(await port);
    c10.socket.write("GET / HTTP/1.0\r\nhost: a\r\n\r\n");
    await c10.closed;
    expect(c10.received()).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-type: text\/plain\r\nconnection: close\r\n\r\nhello world$/);
  });

  it("keeps an HTTP/1.0 connection open only when asked, and says so", async () => {
    const { port } = startCodec((_req, res) => res.writeHead(200, {}).end(Buffer.from("ok")));
    const c = await rawClient(await port);
    c.socket.write("GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n");
    expect(await c.waitFor(/ok$/)).toBe("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: keep-alive\r\n\r\nok");
    c.socket.write("GET / HTTP/1.0\r\n\r\n");
    await c.closed;
    expect(c.received()).toMatch(/connection: close\r\n\r\nok$/);
  });

  it("refuses a malformed request with 400 and an oversized head with 431, naming the problem, then closes", async () => {
    const { port } = startCodec(() => expect.unreachable("no request should reach the handler"));
    const bad = await rawClient(await port);
    bad.socket.write("GET / HTTP/1.1\r\nbad header\r\n\r\n");
    await bad.closed;
    expect(bad.received()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*connection: close\r\n\r\nmalformed HTTP\/1\.1 request: /);
    const big = await rawClient(await port);
    big.socket.write(`GET / HTTP/1.1\r\nx-big: ${"a".repeat(20_000)}\r\n\r\n`);
    await big.closed;
    expect(big.received()).toMatch(/^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  });

  it("answers 100 Continue before reading the body; request bodies (chunked, with trailers) stream to the handler", async () => {
    const bodies: string[] = [];
    const trailers: unknown[] = [];
    const { port } = startCodec((req, res) => {
      expect(req.hasBody).toBe(true);
      req.body.once("trailers", (t) => trailers.push(t));
      void readAll(req.body).then((text) => {
        bodies.push(text);
        res.writeHead(201, {}).end(Buffer.from(text.toUpperCase()));
      });
    });
    const c = await rawClient(await port);
    c.socket.write("POST / HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\nexpect: 100-continue\r\n\r\n");
    await c.waitFor(/^HTTP\/1\.1 100 Continue\r\n\r\n$/);
    c.socket.write("3\r\nabc\r\n2\r\nde\r\n0\r\nx-sum: 5\r\n\r\n");
    expect(await c.waitFor(/ABCDE$/)).toMatch(/HTTP\/1\.1 201 Created\r\ncontent-length: 5\r\n\r\nABCDE$/);
    expect(bodies).toEqual(["abcde"]);
    expect(trailers).toEqual([{ "x-sum": "5" }]);
  });

  it("heads and trailers llhttp hands over early (over 32 fields; every request after one with trailers) arrive whole", async () => {
    const seen: Array<{ url: string; headers: number; trailers: unknown }> = [];
    const { port } = startCodec((req, res) => {
      const r: (typeof seen)[number] = { url: req.url, headers: Object.keys(req.headers).length, trailers: undefined };
      seen.push(r);
      req.body.once("trailers", (t) => (r.trailers = t));
      void readAll(req.body).then(() => res.writeHead(200, {}).end(Buffer.from("ok")));
    });
    const c = await rawClient(await port);
    const many = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}${i}: v${i}\r\n`).join("");
    // 1: chunked, 40 trailer fields (two flushes). 2 and 3 follow on the same connection, whose
    // heads the binding now always flushes early; 3 also has 40 header fields.
    c.socket.write(`POST /first?a=1 HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n${many("x-t", 40)}\r\n`);
    c.socket.write("GET /second HTTP/1.1\r\nhost: a\r\n\r\n");
    c.socket.write(`GET /third/${"p".repeat(100)} HTTP/1.1\r\nhost: a\r\n${many("x-h", 40)}\r\n`);
    await c.waitFor(/(HTTP\/1\.1 200 OK[\s\S]*){3}/);
    expect(seen.map((r) => [r.url, r.headers])).toEqual([
      ["/first?a=1", 2],
      ["/second", 1],
      [`/third/${"p".repeat(100)}`, 41],
    ]);
    expect(Object.keys(seen[0]!.trailers as object)).toHaveLength(40);
    expect((seen[0]!.trailers as Record<string, string>)["x-t39"]).toBe("v39");
    expect(seen.slice(1).map((r) => r.trailers)).toEqual([undefined, undefined]);
  });

  it("the trailers of a body the handler dropped never become part of the next request's head", async () => {
    const seen: Array<{ url: string; headers: unknown }> = [];
    const { port } = startCodec((req, res) => {
      seen.push({ url: req.url, headers: req.headers });
      if (req.url === "/upload") req.body.destroy(); // answered without reading the upload
      res.writeHead(200, {}).end(Buffer.from("ok"));
    });
    const c = await rawClient(await port);
    c.socket.write("POST /upload HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\nhost: evil\r\nx-injected: yes\r\n\r\n");
    c.socket.write("GET /second HTTP/1.1\r\nhost: a\r\n\r\n");
    await c.waitFor(/(HTTP\/1\.1 200 OK[\s\S]*){2}/);
    expect(seen[1]).toEqual({ url: "/second", headers: { host: "a" } });
  });

  it("answering before the request body ended closes the connection after the answer, reading the rest (no reset)", async () => {
    const { port } = startCodec((_req, res) => res.writeHead(413, {}).end(Buffer.from("too big")));
    const c = await rawClient(await port);
    const errors: Error[] = [];
    c.socket.on("error", (err) => errors.push(err));
    c.socket.write("POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 300000\r\n\r\n");
    await c.waitFor(/too big$/);
    c.socket.end(Buffer.alloc(300_000, 120));
    await c.closed;
    expect(c.received()).toBe("HTTP/1.1 413 Payload Too Large\r\ncontent-length: 7\r\nconnection: close\r\n\r\ntoo big");
    expect(errors).toEqual([]);
  });

  it("HEAD: the declared length is kept, no body bytes are sent, and the connection stays usable", async () => {
    const { port } = startCodec((req, res) => res.writeHead(200, { "content-length": 5 }).end(Buffer.from("hello")));
    const c = await rawClient(await port);
    c.socket.write("HEAD / HTTP/1.1\r\nhost: a\r\n\r\nGET / HTTP/1.1\r\nhost: a\r\n\r\n");
    expect(await c.waitFor(/hello$/)).toBe("HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello");
  });

  it("refuses to write a header value with a line break (no response splitting)", async () => {
    const errors: string[] = [];
    const { port } = startCodec((_req, res) => {
      try {
        res.writeHead(200, { "x-evil": "a\r\nset-cookie: stolen=1" });
      } catch (err) {
        errors.push((err as Error).message);
        res.writeHead(500, {}).end(Buffer.from("no"));
      }
    });
    const c = await rawClient(await port);
    c.socket.write("GET / HTTP/1.1\r\nhost: a\r\n\r\n");
    expect(await c.waitFor(/no$/)).not.toContain("stolen");
    expect(errors).toEqual(['header "x-evil" has a value with control characters; it cannot be sent over HTTP/1.1']);
  });

  it("answers 408 to a request head that never completes, on the clock", async () => {
    const { port, clock } = startCodec(() => expect.unreachable("the head never completes"));
    const slow = await rawClient(await port);
    slow.socket.write("GET / HTTP/1.1\r\nhost:");
    // Let the partial head reach the server (a few loop turns on loopback; no timers).
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    clock.advance(69_000);
    expect(slow.socket.destroyed).toBe(false);
    clock.advance(1_000);
    await slow.closed;
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout\r\n/);
  });

  it("closes a keep-alive connection idle for the keep-alive time (the socket's own timer), never one waiting for its answer", async () => {
    let answer!: () => void;
    const codec = createH1Server({
      request: (req, res) => {
        if (req.url === "/wait") answer = () => res.writeHead(204, {}).end();
        else res.writeHead(204, {}).end();
      },
      handOff: (socket) => socket.destroy(),
      clock: createFakeClock(),
      keepAliveTimeoutMs: 40, // real time: this test waits ~0.1 s on it
      headersTimeoutMs: 70_000,
    });
    afterTest(() => codec.destroyAll());
    const port = await listen(createServer({ allowHalfOpen: true }, (s) => codec.accept(s)));
    const waiting = await rawClient(port);
    waiting.socket.write("GET /wait HTTP/1.1\r\nhost: a\r\n\r\n");
    const idle = await rawClient(port);
    idle.socket.write("GET / HTTP/1.1\r\nhost: a\r\n\r\n");
    await idle.waitFor(/204 No Content\r\n\r\n$/);
    await idle.closed; // closed by the server, idle
    expect(waiting.socket.destroyed).toBe(false); // waited longer without I/O, but for its answer
    answer();
    expect(await waiting.waitFor(/204 No Content\r\n\r\n$/)).toBe("HTTP/1.1 204 No Content\r\n\r\n");
    await waiting.closed;
  });

  it("hands an Upgrade request's connection over with the request's bytes, after earlier answers", async () => {
    const { port, handedOff } = startCodec((_req, res) => res.writeHead(200, {}).end(Buffer.from("plain")));
    const c = await rawClient(await port);
    c.socket.write("GET /a HTTP/1.1\r\nhost: a\r\n\r\nGET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframe");
    await c.closed;
    expect(c.received()).toMatch(/plain$/);
    expect(handedOff).toHaveLength(1);
    expect(handedOff[0]!.bytes.toString("latin1")).toBe("GET /ws HTTP/1.1\r\nHost: a\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nframe");
  });
});

describe("HTTP/1.1 codec — downstream, any read boundary", () => {
  // Three pipelined requests whose heads llhttp's binding hands over in pieces: 40 trailer fields,
  // then (on a connection that had trailers) a 41-field head with a long target, then a plain one.
  const fields = (prefix: string) => Array.from({ length: 40 }, (_, i) => `${prefix}${i}: v${i}\r\n`).join("");
  const STREAM = Buffer.from(
    `POST /first?q=1 HTTP/1.1\r\nhost: a\r\ntransfer-encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n${fields("x-t")}\r\n` +
      `GET /second/${"p".repeat(60)} HTTP/1.1\r\nhost: b\r\n${fields("x-h")}\r\n` +
      "GET /third HTTP/1.1\r\nhost: c\r\n\r\n",
    "latin1",
  );

  /** Sends STREAM cut at `cuts`, each piece written only once the sidecar has read the one before; what the handler saw. */
  async function parse(cuts: number[]): Promise<string> {
    const seen: Array<{ url: string; host: unknown; headers: number; body: string; trailers: number }> = [];
    let reads = 0;
    let onRead: () => void = () => undefined;
    const codec = createH1Server({
      request: (req, res) => {
        const entry = { url: req.url, host: req.headers.host, headers: Object.keys(req.headers).length, body: "", trailers: 0 };
        seen.push(entry);
        req.body.once("trailers", (t: object) => (entry.trailers = Object.keys(t).length));
        void readAll(req.body).then((text) => {
          entry.body = text;
          res.writeHead(200, {}).end(Buffer.from("ok"));
        });
      },
      handOff: (socket) => socket.destroy(),
      clock: createFakeClock(),
      keepAliveTimeoutMs: 65_000,
      headersTimeoutMs: 70_000,
    });
    afterTest(() => codec.destroyAll());
    const server = createServer({ allowHalfOpen: true }, (socket) => {
      socket.on("data", () => (reads++, onRead()));
      codec.accept(socket);
    });
    const c = await rawClient(await listen(server));
    let from = 0;
    for (const to of [...cuts, STREAM.length]) {
      const before = reads;
      const read = new Promise<void>((resolve) => (onRead = () => reads > before && resolve()));
      c.socket.write(STREAM.subarray(from, to));
      await read;
      from = to;
    }
    await c.waitFor(/(HTTP\/1\.1 200 OK[\s\S]*){3}/);
    return JSON.stringify(seen);
  }

  it("parses the same requests, heads, bodies and trailers wherever the reads split the stream", async () => {
    const whole = await parse([]);
    expect(JSON.parse(whole)).toEqual([
      { url: "/first?q=1", host: "a", headers: 2, body: "hello", trailers: 40 },
      { url: `/second/${"p".repeat(60)}`, host: "b", headers: 41, body: "", trailers: 0 },
      { url: "/third", host: "c", headers: 1, body: "", trailers: 0 },
    ]);
    // Every 4th byte as one cut, then pairs of cuts.
    for (let at = 1; at < STREAM.length; at += 4) expect(await parse([at]), `cut at ${at}`).toBe(whole);
    for (let a = 3; a < STREAM.length; a += 57) for (let b = a + 11; b < STREAM.length; b += 89) expect(await parse([a, b]), `cuts at ${a}, ${b}`).toBe(whole);
  });
});

describe("HTTP/1.1 codec — downstream, connection edges", () => {
  it("never dispatches a request that follows one ending the connection; the first is still answered", async () => {
    const seen: string[] = [];
    const { port } = startCodec((req, res) => {
      seen.push(req.url);
      setImmediate(() => res.writeHead(200, {}).end(Buffer.from(req.url)));
    });
    const c = await rawClient(await port);
    c.socket.write("GET /a HTTP/1.1\r\nhost: a\r\nconnection: close\r\n\r\nDELETE /b HTTP/1.1\r\nhost: a\r\n\r\n");
    await c.closed;
    expect(seen).toEqual(["/a"]);
    expect(c.received()).toBe("HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n/a");
  });

  it("while draining, answers what is in flight with connection: close and never starts what arrives after", async () => {
    const seen: string[] = [];
    let answer!: () => void;
    const { port, codec } = startCodec((req, res) => {
      seen.push(req.url);
      answer = () => res.writeHead(200, {}).end(Buffer.from("a"));
    });
    const c = await rawClient(await port);
    c.socket.write("GET /a HTTP/1.1\r\nhost: a\r\n\r\n");
    await expect.poll(() => seen).toEqual(["/a"]);
    codec.drain();
    c.socket.write("POST /b HTTP/1.1\r\nhost: a\r\ncontent-length: 1\r\n\r\nx");
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    answer();
    await c.closed;
    expect(seen).toEqual(["/a"]);
    expect(c.received()).toBe("HTTP/1.1 200 OK\r\ncontent-length: 1\r\nconnection: close\r\n\r\na");
  });

  it("a client that stops in the middle of a request body: the body ends aborted, the exchange can answer", async () => {
    const outcome: string[] = [];
    const { port } = startCodec((req, res) => {
      req.body.on("data", () => undefined);
      req.body.once("end", () => outcome.push("end"));
      req.body.once("close", () => {
        outcome.push("close");
        res.writeHead(400, {}).end(Buffer.from("incomplete body"));
      });
    });
    const c = await rawClient(await port);
    c.socket.end("POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 100\r\n\r\n" + "x".repeat(50));
    await c.closed;
    expect(outcome).toEqual(["close"]);
    expect(c.received()).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*incomplete body$/);
  });

  it("a large request body read slowly leaves the connection reading: the next request is answered", async () => {
    let upload: { req: H1Request; res: H1Response } | undefined;
    const { port } = startCodec((req, res) => {
      if (!req.hasBody) return void res.writeHead(200, {}).end(Buffer.from("next"));
      upload = { req, res };
    });
    const c = await rawClient(await port);
    c.socket.write(`POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 200000\r\n\r\n${"y".repeat(200_000)}`);
    // Nobody reads yet: the body's buffer fills and the codec pauses the socket.
    await expect.poll(() => upload?.req.body.readableLength ?? 0).toBeGreaterThanOrEqual(16 * 1024);
    const { req, res } = upload!;
    res.writeHead(200, {}).end(Buffer.from(String((await readAll(req.body)).length)));
    await c.waitFor(/200000$/);
    c.socket.write("GET / HTTP/1.1\r\nhost: a\r\n\r\n");
    expect(await c.waitFor(/next$/)).toMatch(/200000HTTP\/1\.1 200 OK\r\ncontent-length: 4\r\n\r\nnext$/);
  });

  it("hands pipelined requests on one at a time, each once the answer before it is written (RFC 9112 §9.3.2)", async () => {
    const seen: string[] = [];
    const answers = new Map<string, () => void>();
    const { port } = startCodec((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      void readAll(req.body).then((body) => answers.set(req.url, () => res.writeHead(200, {}).end(Buffer.from(`${req.url}:${body}`))));
    });
    const c = await rawClient(await port);
    c.socket.write("POST /a HTTP/1.1\r\nhost: a\r\ncontent-length: 1\r\n\r\nAPOST /b HTTP/1.1\r\nhost: a\r\ncontent-length: 1\r\n\r\nBGET /c HTTP/1.1\r\nhost: a\r\n\r\n");
    await expect.poll(() => answers.has("/a")).toBe(true);
    await turns();
    expect(seen).toEqual(["POST /a"]); // /b does not run beside /a
    answers.get("/a")!();
    await expect.poll(() => answers.has("/b")).toBe(true);
    expect(seen).toEqual(["POST /a", "POST /b"]);
    answers.get("/b")!();
    await expect.poll(() => answers.has("/c")).toBe(true);
    answers.get("/c")!();
    expect(await c.waitFor(/\/c:$/)).toMatch(/\/a:A[\s\S]*\/b:B[\s\S]*\/c:$/);
  });

  it("hands no more pipelined requests on while the client does not read the answers before them", async () => {
    const big = Buffer.alloc(1024 * 1024, 120);
    let handed = 0;
    const { port, accepted } = startCodec((_req, res) => {
      handed++;
      res.writeHead(200, {}).end(big);
    });
    const c = await rawClient(await port);
    c.socket.pause();
    c.socket.write("GET / HTTP/1.1\r\nhost: a\r\n\r\n".repeat(40));
    // The answers fill the socket's buffers; then the codec waits for the client to read.
    await expect.poll(() => accepted[0]?.writableNeedDrain).toBe(true);
    await turns();
    const heldBack = handed;
    expect(heldBack).toBeLessThan(40);
    await turns();
    expect(handed).toBe(heldBack);
    let bytes = 0;
    c.socket.removeAllListeners("data").on("data", (d: Buffer) => (bytes += d.length));
    c.socket.resume();
    await expect.poll(() => handed, { timeout: 10_000 }).toBe(40);
    await expect.poll(() => bytes, { timeout: 10_000 }).toBeGreaterThan(40 * big.length);
  });

  it("answers 400 to an HTTP/1.1 request without Host or with two, 501 to a transfer coding other than chunked, then closes", async () => {
    const seen: string[] = [];
    const { port } = startCodec((req, res) => {
      seen.push(req.url);
      res.writeHead(200, {}).end();
    });
    const cases = [
      ["GET /none HTTP/1.1\r\n\r\n", /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*needs a Host header\n$/],
      ["GET /two HTTP/1.1\r\nHost: a\r\nhost: b\r\n\r\n", /^HTTP\/1\.1 400 Bad Request\r\n[\s\S]*more than one Host header; send exactly one\n$/],
      ["POST /gz HTTP/1.1\r\nhost: a\r\ntransfer-encoding: gzip, chunked\r\n\r\n5\r\nGZIPD\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nhost: a\r\n\r\n", /^HTTP\/1\.1 501 Not Implemented\r\n[\s\S]*transfer-encoding "gzip, chunked" is not supported/],
    ] as const;
    for (const [bytes, answer] of cases) {
      const c = await rawClient(await port);
      c.socket.write(bytes);
      await c.closed;
      expect(c.received()).toMatch(answer);
    }
    expect(seen).toEqual([]);
  });

  it("answers a request it refuses after the answers to the requests before it", async () => {
    let answer!: () => void;
    const { port } = startCodec((_req, res) => (answer = () => res.writeHead(200, {}).end(Buffer.from("first"))));
    const c = await rawClient(await port);
    c.socket.write("GET /slow HTTP/1.1\r\nhost: a\r\n\r\nGET /two HTTP/1.1\r\nhost: a\r\nhost: b\r\n\r\n");
    await expect.poll(() => answer).toBeDefined();
    await turns();
    expect(c.received()).toBe("");
    answer();
    await c.closed;
    expect(c.received()).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-length: 5\r\n\r\nfirstHTTP\/1\.1 400 Bad Request\r\n[\s\S]*connection: close\r\n\r\n[\s\S]*more than one Host header/);
  });

  it("serves an Upgrade offer on a request with a body as a plain request (curl --http2 POST), then the next request", async () => {
    const seen: string[] = [];
    const { port, handedOff } = startCodec((req, res) => {
      void readAll(req.body).then((body) => {
        seen.push(`${req.method} ${req.url} ${body}`);
        res.writeHead(200, {}).end(Buffer.from(req.url));
      });
    });
    const c = await rawClient(await port);
    c.socket.write("POST /up HTTP/1.1\r\nhost: a\r\nconnection: Upgrade, HTTP2-Settings\r\nupgrade: h2c\r\nhttp2-settings: AAMAAABkAAQAoAAAAAIAAAAA\r\ncontent-length: 5\r\n\r\nhelloGET /next HTTP/1.1\r\nhost: a\r\n\r\n");
    expect(await c.waitFor(/\/next$/)).toMatch(/^HTTP\/1\.1 200 OK\r\ncontent-length: 3\r\n\r\n\/upHTTP\/1\.1 200 OK\r\ncontent-length: 5\r\n\r\n\/next$/);
    expect(seen).toEqual(["POST /up hello", "GET /next "]);
    expect(handedOff).toEqual([]);
  });

  it("closes, when idle, a connection answered early whose client then stalls mid-body without closing", async () => {
    const codec = createH1Server({
      request: (_req, res) => res.writeHead(413, {}).end(Buffer.from("too big")),
      handOff: (socket) => socket.destroy(),
      clock: createFakeClock(),
      keepAliveTimeoutMs: 40, // real time: this test waits ~0.1 s on it
      headersTimeoutMs: 70_000,
    });
    afterTest(() => codec.destroyAll());
    const server = createServer({ allowHalfOpen: true }, (s) => codec.accept(s));
    const port = await listen(server);
    // A client that keeps its side open after the server's FIN.
    const client = createConnection({ port, host: "127.0.0.1", allowHalfOpen: true });
    afterTest(() => client.destroy());
    let text = "";
    client.on("data", (d: Buffer) => (text += d.toString("latin1")));
    client.write("POST / HTTP/1.1\r\nhost: a\r\ncontent-length: 1000000\r\n\r\n0123456789");
    await expect.poll(() => text).toMatch(/connection: close\r\n\r\ntoo big$/);
    await expect.poll(() => new Promise<number>((resolve) => server.getConnections((_err, n) => resolve(n)))).toBe(0);
  });

  it("drops a trailer field HTTP/1.1 cannot carry (a control character from an HTTP/2 peer), keeping the others", async () => {
    const { port } = startCodec((_req, res) => {
      res.writeHead(200, {});
      res.write(Buffer.from("body"));
      res.addTrailers({ "x-detail": "line one\u0001line two", "x-checksum": "abc" });
      res.end();
    });
    const c = await rawClient(await port);
    c.socket.write("GET / HTTP/1.1\r\nhost: a\r\n\r\n");
    expect(await c.waitFor(/0\r\n[\s\S]*\r\n\r\n$/)).toMatch(/4\r\nbody\r\n0\r\nx-checksum: abc\r\n\r\n$/);
  });

  it("tells an HTTP/1.0 keep-alive client connection: close when the body can only end with the connection", async () => {
    const { port } = startCodec((_req, res) => {
      res.writeHead(200, {});
      res.write(Buffer.from("stream"));
      res.end();
    });
    const c = await rawClient(await port);
    c.socket.write("GET / HTTP/1.0\r\nconnection: keep-alive\r\n\r\n");
    await c.closed;
    expect(c.received()).toBe("HTTP/1.1 200 OK\r\nconnection: close\r\n\r\nstream");
  });
});
