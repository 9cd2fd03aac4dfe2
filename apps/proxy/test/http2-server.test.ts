// The HTTP/2 server codec (src/http2/server-session.ts) against node:http2's client (nghttp2) on
// loopback, and against hand-written frames for what nghttp2 would never send: requests and
// responses whole and streamed, flow control both ways, trailers both ways, resets either way,
// HEAD, a response complete before its request, malformed requests reset without harming the
// connection (nothing that could split an HTTP/1.1 request upstream gets through), the header-list
// limit, PING, graceful GOAWAY, a client that breaks the protocol, and the flood limits:
// MAX_CONCURRENT_STREAMS, rapid reset (premature resets only), a client that never reads, half-close.
import { afterEach, describe, expect, it, vi } from "vitest";
import { once } from "node:events";
import { createHash } from "node:crypto";
import { connect as netConnect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { connect, constants, type ClientHttp2Session, type ClientHttp2Stream, type IncomingHttpHeaders as H2Headers } from "node:http2";
import { createFakeClock, type FakeClock } from "@weft/test-kit";
import { IDLE_TIMEOUT_MS, MAX_CONCURRENT_STREAMS, PREMATURE_MIN_STREAMS, SHUTDOWN_PING_TIMEOUT_MS, PREMATURE_RESET_MS, ServerSession, type ServerSessionSocket } from "../src/http2/server-session";
import { MAX_QUEUED_CONTROL } from "../src/http2/connection";
import type { ServerStream } from "../src/http2/server-stream";
import { frame, FRAME_HEADER, PREFACE, rstStreamFrame, settingsFrame } from "../src/http2/frames";
import { HpackDecoder, HpackEncoder } from "../src/http2/hpack";
import { deferred } from "./support/upstreams";
import { dataFrame, headersFrame } from "./support/raw-h2";

let server: NetServer | undefined;
const sessions: ServerSession[] = [];
const clients: Array<ClientHttp2Session | Socket> = [];

afterEach(async () => {
  for (const c of clients.splice(0)) c.destroy();
  for (const s of sessions.splice(0)) s.destroy();
  if (server !== undefined) {
    const s = server;
    server = undefined;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function h2Server(onStream: (stream: ServerStream) => void, streamWindow = 1 << 20, clock: FakeClock = createFakeClock(), meshPeer = false): Promise<number> {
  const s = createNetServer({ allowHalfOpen: true }, (socket) => { // as the proxy listener
    socket.setNoDelay(true);
    sessions.push(new ServerSession(socket as ServerSessionSocket, { streamWindow, sessionWindow: 8 << 20, maxHeaderBlock: 16 * 1024, onStream, clock, meshPeer }));
  });
  server = s;
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  return (s.address() as AddressInfo).port;
}

function client(port: number): ClientHttp2Session {
  const c = connect(`http://127.0.0.1:${port}`);
  c.on("error", () => undefined);
  clients.push(c);
  return c;
}

async function readAll(stream: ClientHttp2Stream): Promise<{ headers: H2Headers; body: Buffer; trailers: H2Headers | undefined; rstCode: number }> {
  stream.on("error", () => undefined); // resets the tests provoke: rstCode tells
  const [headers] = (await once(stream, "response")) as [H2Headers];
  let trailers: H2Headers | undefined;
  stream.once("trailers", (t: H2Headers) => (trailers = t));
  const chunks: Buffer[] = [];
  stream.on("data", (c: Buffer) => chunks.push(c));
  await new Promise((resolve) => stream.once("close", resolve));
  return { headers, body: Buffer.concat(chunks), trailers, rstCode: stream.rstCode ?? -1 };
}

function bodyOf(stream: ServerStream): Promise<{ bytes: Buffer; trailers: H2Headers | undefined }> {
  return new Promise((resolve, reject) => {
    if (stream.body === undefined) return resolve({ bytes: Buffer.alloc(0), trailers: undefined });
    const chunks: Buffer[] = [];
    let trailers: H2Headers | undefined;
    stream.body.on("data", (c: Buffer) => chunks.push(c)).once("trailers", (t: H2Headers) => (trailers = t));
    stream.body.once("end", () => resolve({ bytes: Buffer.concat(chunks), trailers })).once("error", reject);
  });
}

/** Writes `total` bytes in 16 KiB chunks, waiting whenever write() says so; then trailers. */
function streamOut(stream: ServerStream, total: number, trailers?: Record<string, string>): void {
  const chunk = Buffer.alloc(16 * 1024, 0x61);
  let sent = 0;
  const more = () => {
    while (sent < total) {
      sent += chunk.length;
      if (!stream.write(chunk)) return;
    }
    stream.end(trailers);
  };
  stream.onDrained = more;
  more();
}

describe("HTTP/2 server session against node:http2's client", () => {
  it("hands requests on with their pseudo-headers and fields, and sends whole responses", async () => {
    const seen: Array<{ method: string; path: string; authority: string; scheme: string; cookie: unknown; extra: unknown; body: boolean }> = [];
    const port = await h2Server((stream) => {
      seen.push({ method: stream.method, path: stream.path, authority: stream.authority, scheme: stream.scheme, cookie: stream.headers.cookie, extra: stream.headers["x-extra"], body: stream.body !== undefined });
      stream.respond(200, { "content-type": "text/plain", "Set-Cookie": ["a=1", "b=2"], connection: "keep-alive", "x-n": 7 }, Buffer.from(`hello ${stream.path}`));
    });
    const c = client(port);
    for (let round = 0; round < 2; round++) {
      const replies = await Promise.all(["/a", "/b?q=1"].map((p) => readAll(c.request({ ":path": p, cookie: ["x=1", "y=2"], "x-extra": "v".repeat(300) }))));
      expect(replies.map((r) => r.body.toString())).toEqual(["hello /a", "hello /b?q=1"]);
      expect(replies[0]!.headers[":status"]).toBe(200);
      expect(replies[0]!.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
      expect(replies[0]!.headers["x-n"]).toBe("7");
      expect(replies[0]!.headers.connection).toBeUndefined();
    }
    expect(seen[0]).toEqual({ method: "GET", path: "/a", authority: `127.0.0.1:${port}`, scheme: "http", cookie: "x=1; y=2", extra: "v".repeat(300), body: false });
    expect(seen).toHaveLength(4);
  });

  it("streams a 3 MiB request body through a 64 KiB stream window, and a 12 MiB response through the client's", async () => {
    const port = await h2Server((stream) => {
      void bodyOf(stream).then(({ bytes }) => {
        const digest = createHash("sha256").update(bytes).digest("hex");
        if (stream.path === "/up") return stream.respond(200, { "x-size": bytes.length, "x-sha": digest }, null);
        stream.respond(200, { "content-type": "application/octet-stream" });
        streamOut(stream, 12 << 20);
      });
    }, 64 * 1024);
    const c = client(port);
    const upload = Buffer.alloc(3 << 20);
    for (let i = 0; i < upload.length; i++) upload[i] = i % 251;
    const up = c.request({ ":path": "/up", ":method": "POST" });
    up.end(upload);
    const upReply = await readAll(up);
    expect(upReply.headers["x-size"]).toBe(String(upload.length));
    expect(upReply.headers["x-sha"]).toBe(createHash("sha256").update(upload).digest("hex"));
    const down = await readAll(c.request({ ":path": "/down" }));
    expect(down.body.length).toBe(12 << 20);
  });

  it("relays trailers both ways (gRPC status) and ends a body-less stream with its trailers", async () => {
    const port = await h2Server((stream) => {
      void bodyOf(stream).then(({ bytes, trailers }) => {
        stream.respond(200, { "content-type": "application/grpc" });
        stream.write(Buffer.from(`got ${bytes.length} bytes, x-req=${String(trailers?.["x-req"])}`));
        stream.end({ "grpc-status": "0", "grpc-message": "fine", ":bogus": "x" });
      });
    });
    const c = client(port);
    const req = c.request({ ":path": "/svc/M", ":method": "POST", "content-type": "application/grpc" }, { waitForTrailers: true });
    req.once("wantTrailers", () => req.sendTrailers({ "x-req": "t" }));
    req.end(Buffer.from("12345"));
    const r = await readAll(req);
    expect(r.body.toString()).toBe("got 5 bytes, x-req=t");
    expect(r.trailers).toMatchObject({ "grpc-status": "0", "grpc-message": "fine" });
    expect(r.trailers?.[":bogus"]).toBeUndefined();
  });

  it("sends no body for HEAD, 204 and 304, and a complete response resets the rest of its request with NO_ERROR", async () => {
    const closed = deferred<{ rstCode: number | undefined; bodyDestroyed: boolean }>();
    const port = await h2Server((stream) => {
      if (stream.path === "/early") {
        stream.respond(413, { "content-type": "text/plain" }, Buffer.from("too large"));
        stream.onClose(() => closed.resolve({ rstCode: stream.rstCode, bodyDestroyed: stream.body!.destroyed }));
        return;
      }
      const status = Number(stream.path.slice(1)) || 200;
      stream.respond(status, status === 204 ? {} : { "content-length": "5" }, Buffer.from("hello"));
    });
    const c = client(port);
    const head = await readAll(c.request({ ":path": "/", ":method": "HEAD" }));
    expect(head.headers[":status"]).toBe(200);
    expect(head.headers["content-length"]).toBe("5");
    expect(head.body.length).toBe(0);
    expect((await readAll(c.request({ ":path": "/204" }))).body.length).toBe(0);
    expect((await readAll(c.request({ ":path": "/304" }))).body.length).toBe(0);
    const early = c.request({ ":path": "/early", ":method": "POST" });
    early.write(Buffer.alloc(1000)); // the request never ends
    const r = await readAll(early);
    expect(r.headers[":status"]).toBe(413);
    expect(r.body.toString()).toBe("too large");
    expect(r.rstCode).toBe(constants.NGHTTP2_NO_ERROR);
    expect(await closed.promise).toEqual({ rstCode: undefined, bodyDestroyed: true });
  });

  it("a client's reset ends the stream: its request body fails, the response stops, the code is kept", async () => {
    const gone = deferred<{ rstCode: number | undefined; bodyError: string }>();
    const port = await h2Server((stream) => {
      let bodyError = "";
      stream.body!.on("error", (err) => (bodyError = err.message));
      stream.onClose(() => setImmediate(() => gone.resolve({ rstCode: stream.rstCode, bodyError })));
      stream.respond(200, {});
      stream.write(Buffer.from("first"));
    });
    const c = client(port);
    const req = c.request({ ":path": "/", ":method": "POST" });
    req.write("partial");
    await once(req, "data");
    req.close(constants.NGHTTP2_CANCEL);
    expect(await gone.promise).toEqual({ rstCode: constants.NGHTTP2_CANCEL, bodyError: "the client reset the stream (RST_STREAM code 8)" });
  });

  it("resets a stream with the proxy's code when asked", async () => {
    const port = await h2Server((stream) => {
      stream.respond(200, {});
      stream.write(Buffer.from("part"));
      setImmediate(() => stream.reset(constants.NGHTTP2_INTERNAL_ERROR));
    });
    const r = await readAll(client(port).request({ ":path": "/" }));
    expect(r.body.toString()).toBe("part");
    expect(r.rstCode).toBe(constants.NGHTTP2_INTERNAL_ERROR);
  });

  it("answers 431 to a header list over the limit, and PING", async () => {
    const port = await h2Server((stream) => stream.respond(200, {}, Buffer.from("ok")));
    const c = client(port);
    const big = await readAll(c.request({ ":path": "/", "x-big": "b".repeat(20_000) }));
    expect(big.headers[":status"]).toBe(431);
    expect(big.body.toString()).toContain("request header list over 16384 bytes");
    const rtt = await new Promise<number>((resolve, reject) => c.ping((err, ms) => (err ? reject(err) : resolve(ms))));
    expect(rtt).toBeGreaterThanOrEqual(0);
    expect((await readAll(c.request({ ":path": "/" }))).body.toString()).toBe("ok");
  });

  it("close() sends GOAWAY: the stream in flight finishes, then the connection ends", async () => {
    const held: ServerStream[] = [];
    const port = await h2Server((stream) => {
      held.push(stream);
      stream.respond(200, {});
    });
    const c = client(port);
    const req = c.request({ ":path": "/slow" });
    await once(req, "response");
    const goaways: Array<[number, number]> = [];
    c.on("goaway", (code: number, last: number) => goaways.push([code, last]));
    sessions[0]!.close();
    // Announced first (nothing refused), final once the client has answered the PING that followed.
    await vi.waitFor(() => expect(goaways).toEqual([[constants.NGHTTP2_NO_ERROR, 2 ** 31 - 1], [constants.NGHTTP2_NO_ERROR, 1]]));
    const chunks: Buffer[] = [];
    req.on("data", (b: Buffer) => chunks.push(b));
    held[0]!.write(Buffer.from("late but delivered"));
    held[0]!.end();
    await once(req, "end");
    expect(Buffer.concat(chunks).toString()).toBe("late but delivered");
    await once(c, "close");
  });
});

describe("HTTP/2 server session against hand-written frames", () => {
  /** What the server sent back, frame by frame, until it closed or `until` says enough. */
  async function exchange(port: number, frames: Buffer[], until: (seen: Array<{ type: number; id: number; payload: Buffer }>) => boolean) {
    const socket = netConnect({ port, host: "127.0.0.1" });
    clients.push(socket);
    socket.write(Buffer.concat([PREFACE, settingsFrame([]), ...frames]));
    const seen: Array<{ type: number; id: number; payload: Buffer }> = [];
    let buf = Buffer.alloc(0);
    await new Promise<void>((resolve) => {
      socket.on("data", (d: Buffer) => {
        buf = Buffer.concat([buf, d]);
        while (buf.length >= FRAME_HEADER && buf.length >= FRAME_HEADER + buf.readUIntBE(0, 3)) {
          const len = buf.readUIntBE(0, 3);
          seen.push({ type: buf[3]!, id: buf.readUInt32BE(5) & 0x7fffffff, payload: buf.subarray(FRAME_HEADER, FRAME_HEADER + len) });
          buf = buf.subarray(FRAME_HEADER + len);
        }
        if (until(seen)) resolve();
      });
      socket.once("close", () => resolve());
    });
    return seen;
  }
  const RST = 0x3;
  const PING = 0x6;
  const GOAWAY = 0x7;
  const HEADERS = 0x1;
  const GET = [":method", "GET", ":scheme", "http", ":authority", "a", ":path", "/"];

  it("resets malformed requests with PROTOCOL_ERROR and keeps serving the connection", async () => {
    const got: string[] = [];
    const port = await h2Server((stream) => {
      got.push(stream.path);
      if (stream.body === undefined) return stream.respond(200, {}, null);
      stream.body.on("error", (err) => got.push(err.message));
    });
    const enc = new HpackEncoder();
    const frames = [
      headersFrame(enc, 1, [":method", "GET", ":scheme", "http", ":authority", "a"], true), // no :path
      headersFrame(enc, 3, [...GET, "X-Upper", "1"], true),
      headersFrame(enc, 5, [...GET, "connection", "close"], true),
      headersFrame(enc, 7, [":method", "GET", "x-a", "1", ":path", "/", ":scheme", "http"], true), // pseudo after regular
      headersFrame(enc, 9, [...GET, "te", "gzip"], true),
      headersFrame(enc, 11, [":method", "POST", ":scheme", "http", ":authority", "a", ":path", "/short", "content-length", "10"], false),
      dataFrame(11, "12345", true),
      headersFrame(enc, 13, [":method", "POST", ":scheme", "http", ":authority", "a", ":path", "/long", "content-length", "2"], false),
      dataFrame(13, "12345", false),
      // What could split an HTTP/1.1 request line or head upstream, or is not origin-form.
      headersFrame(enc, 15, [":method", "GET", ":scheme", "http", ":authority", "a", ":path", "/ HTTP/1.1\r\nhost: evil\r\n\r\nGET /admin"], true),
      headersFrame(enc, 17, [":method", "GET /x", ":scheme", "http", ":authority", "a", ":path", "/"], true),
      headersFrame(enc, 19, [...GET, "x-a", "1\r\nx-injected: 1"], true),
      headersFrame(enc, 21, [":method", "GET", ":scheme", "http", ":authority", "a", ":path", "http://a/b"], true),
      headersFrame(enc, 23, [":method", "GET", ":scheme", "http", ":authority", "a b", ":path", "/"], true),
      headersFrame(enc, 25, [...GET, "x(bad)", "1"], true),
      headersFrame(enc, 27, GET, true),
    ];
    const seen = await exchange(port, frames, (s) => s.some((f) => f.type === HEADERS && f.id === 27));
    const resets = seen.filter((f) => f.type === RST).map((f) => [f.id, f.payload.readUInt32BE(0)]);
    expect(resets).toEqual([1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25].map((id) => [id, constants.NGHTTP2_PROTOCOL_ERROR]));
    const reply = seen.find((f) => f.type === HEADERS && f.id === 27)!;
    const fields: string[] = [];
    new HpackDecoder().decode(reply.payload, 0, reply.payload.length, fields);
    expect(fields.slice(0, 2)).toEqual([":status", "200"]);
    // Only the well-formed heads reached the handler; the two bodies that broke their content-length failed.
    expect([...got].sort()).toEqual([
      "/",
      "/long",
      "/short",
      "malformed request from the client: it ended the request 5 bytes short of its content-length",
      "malformed request from the client: it sent more DATA than its content-length",
    ]);
  });

  it("a client that breaks the protocol gets a GOAWAY with the reason; its streams in flight fail", async () => {
    const failed = deferred<string>();
    const port = await h2Server((stream) => stream.body!.on("error", (err) => failed.resolve(err.message)));
    const enc = new HpackEncoder();
    const seen = await exchange(port, [headersFrame(enc, 1, [":method", "POST", ":scheme", "http", ":authority", "a", ":path", "/up"], false), dataFrame(0, "x", false)], () => false);
    const goaway = seen.find((f) => f.type === GOAWAY)!;
    expect(goaway.payload.readUInt32BE(4)).toBe(constants.NGHTTP2_PROTOCOL_ERROR);
    expect(goaway.payload.subarray(8).toString()).toBe("DATA on stream 0");
    expect(await failed.promise).toBe("HTTP/2 protocol error from the client: DATA on stream 0");
  });

  it("drops trailers on a stream it reset, and ends the connection when a stream opens under a used or skipped ID", async () => {
    const got: string[] = [];
    const port = await h2Server((stream) => {
      got.push(stream.path);
      if (stream.body === undefined) stream.respond(200, {}, null);
    });
    const enc = new HpackEncoder();
    // Stream 1 is malformed (reset); its trailers still arrive and are dropped; stream 5 is answered.
    const dropped = await exchange(port, [
      headersFrame(enc, 1, [":method", "POST", ":scheme", "http", ":authority", "a", ":path", "/up", "te", "gzip"], false),
      headersFrame(enc, 1, ["x-checksum", "abc"], true),
      headersFrame(enc, 5, [...GET.slice(0, 6), ":path", "/five"], true),
    ], (seen) => seen.some((f) => f.type === HEADERS && f.id === 5));
    expect(dropped.some((f) => f.type === GOAWAY)).toBe(false);
    expect(got).toEqual(["/five"]);

    // After stream 5, a request on 3 (skipped, so closed) or again on 5 is a connection error.
    for (const id of [3, 5]) {
      const fresh = new HpackEncoder(); // a new connection: a new compression context
      const seen = await exchange(port, [headersFrame(fresh, 5, GET, true), headersFrame(fresh, id, GET, true)], () => false);
      const goaway = seen.find((f) => f.type === GOAWAY)!;
      expect(goaway.payload.readUInt32BE(4)).toBe(constants.NGHTTP2_PROTOCOL_ERROR);
      expect(goaway.payload.subarray(8).toString()).toBe(`HEADERS opening stream ${id}, not above the last stream 5`);
    }
  });

  it("closes in two steps: a request that crosses the first GOAWAY is served; the final one follows the PING's answer, or a second", async () => {
    const clock = createFakeClock();
    const port = await h2Server((stream) => stream.respond(200, {}, Buffer.from(stream.path)), undefined, clock);
    const enc = new HpackEncoder();
    const socket = netConnect({ port, host: "127.0.0.1" });
    clients.push(socket);
    const socketClosed = once(socket, "close");
    const seen: Array<{ type: number; flags: number; id: number; payload: Buffer }> = [];
    let buf = Buffer.alloc(0);
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= FRAME_HEADER && buf.length >= FRAME_HEADER + buf.readUIntBE(0, 3)) {
        const len = buf.readUIntBE(0, 3);
        seen.push({ type: buf[3]!, flags: buf[4]!, id: buf.readUInt32BE(5) & 0x7fffffff, payload: Buffer.from(buf.subarray(FRAME_HEADER, FRAME_HEADER + len)) });
        buf = buf.subarray(FRAME_HEADER + len);
      }
    });
    socket.write(Buffer.concat([PREFACE, settingsFrame([]), headersFrame(enc, 1, [...GET.slice(0, 6), ":path", "/one"], true)]));
    await vi.waitFor(() => expect(seen.some((f) => f.type === HEADERS && f.id === 1)).toBe(true));

    sessions[0]!.close();
    await vi.waitFor(() => expect(seen.some((f) => f.type === PING && !(f.flags & 0x1))).toBe(true));
    const goaways = () => seen.filter((f) => f.type === GOAWAY).map((f) => f.payload.readUInt32BE(0));
    expect(goaways()).toEqual([2 ** 31 - 1]);
    // Sent before this client saw the GOAWAY: served, not refused.
    socket.write(headersFrame(enc, 3, [...GET.slice(0, 6), ":path", "/crossed"], true));
    await vi.waitFor(() => expect(seen.some((f) => f.type === HEADERS && f.id === 3)).toBe(true));
    expect(seen.some((f) => f.type === RST)).toBe(false);
    const ping = seen.find((f) => f.type === PING)!;
    const ack = frame(PING, 0x1, 0, 8);
    ping.payload.copy(ack, FRAME_HEADER);
    socket.write(ack);
    await vi.waitFor(() => expect(goaways()).toEqual([2 ** 31 - 1, 3]));
    await socketClosed;

    // A client that does not answer the PING gets the final GOAWAY after SHUTDOWN_PING_TIMEOUT_MS.
    const silent = new HpackEncoder();
    const frames = await exchange(port, [headersFrame(silent, 1, GET, true)], (f) => f.some((x) => x.type === HEADERS));
    sessions[1]!.close();
    clock.advance(SHUTDOWN_PING_TIMEOUT_MS - 1);
    let closed = false;
    sessions[1]!.onClosed(() => (closed = true));
    expect(closed).toBe(false);
    clock.advance(1);
    expect(closed).toBe(true);
    expect(frames.some((f) => f.type === HEADERS)).toBe(true);
  });

  it("refuses streams over SETTINGS_MAX_CONCURRENT_STREAMS, and ends a rapid-reset flood with ENHANCE_YOUR_CALM", async () => {
    let started = 0;
    const clock = createFakeClock();
    const port = await h2Server(() => void started++, undefined, clock); // never answers: every stream stays open
    const enc = new HpackEncoder();
    const opened = Array.from({ length: MAX_CONCURRENT_STREAMS + 1 }, (_, i) => headersFrame(enc, 2 * i + 1, GET, true));
    const last = 2 * MAX_CONCURRENT_STREAMS + 1;
    const seen = await exchange(port, opened, (s) => s.some((f) => f.type === RST && f.id === last));
    const settings = seen.find((f) => f.type === 0x4 && f.payload.length > 0)!.payload;
    const advertised = new Map(Array.from({ length: settings.length / 6 }, (_, i) => [settings.readUInt16BE(i * 6), settings.readUInt32BE(i * 6 + 2)]));
    expect(advertised.get(0x3)).toBe(MAX_CONCURRENT_STREAMS);
    expect(started).toBe(MAX_CONCURRENT_STREAMS);
    expect(seen.find((f) => f.type === RST && f.id === last)!.payload.readUInt32BE(0)).toBe(constants.NGHTTP2_REFUSED_STREAM);

    // Streams reset within a second of opening, before any answer: more than half of 500 ends it.
    started = 0;
    const flood: Buffer[] = [];
    for (let i = 0; i < PREMATURE_MIN_STREAMS + 10; i++) flood.push(headersFrame(enc, 2 * i + 1, GET, true), rstStreamFrame(2 * i + 1, constants.NGHTTP2_CANCEL));
    const after = await exchange(port, flood, () => false);
    const goaway = after.find((f) => f.type === GOAWAY)!;
    expect(goaway.payload.readUInt32BE(4)).toBe(constants.NGHTTP2_ENHANCE_YOUR_CALM);
    expect(goaway.payload.subarray(8).toString()).toBe(`${PREMATURE_MIN_STREAMS} of ${PREMATURE_MIN_STREAMS} streams reset at once or malformed`);
    expect(started).toBe(PREMATURE_MIN_STREAMS);
  });

  it("does not count a mesh peer's resets as a flood: its connection carries all its app's calls, cancellations included", async () => {
    let started = 0;
    const port = await h2Server(() => void started++, undefined, createFakeClock(), true);
    const enc = new HpackEncoder();
    const flood: Buffer[] = [];
    for (let i = 0; i < PREMATURE_MIN_STREAMS + 10; i++) flood.push(headersFrame(enc, 2 * i + 1, GET, true), rstStreamFrame(2 * i + 1, constants.NGHTTP2_CANCEL));
    const seen = await exchange(port, [...flood, frame(PING, 0, 0, 8)], (s) => s.some((f) => f.type === PING));
    expect(seen.some((f) => f.type === GOAWAY)).toBe(false);
    expect(started).toBe(PREMATURE_MIN_STREAMS + 10);
  });

  it("does not count cancellations of slow calls (after a second) or of answered ones as a flood", async () => {
    const clock = createFakeClock();
    const held: ServerStream[] = [];
    const port = await h2Server((stream) => {
      if (stream.path === "/ok") return stream.respond(200, {}, Buffer.from("ok"));
      held.push(stream);
      if (stream.path === "/answered") stream.respond(200, {}); // headers out, body never ends
    }, undefined, clock);
    const c = client(port);
    const n = PREMATURE_MIN_STREAMS / 2 + 50; // 600 streams in all, under the 1 000 at once
    const slow = Array.from({ length: n }, () => c.request({ ":path": "/slow" }));
    const answered = Array.from({ length: n }, () => c.request({ ":path": "/answered" }));
    for (const s of [...slow, ...answered]) s.on("error", () => undefined);
    const responses = answered.map((s) => once(s, "response"));
    await vi.waitFor(() => expect(held).toHaveLength(2 * n), { timeout: 10_000, interval: 10 });
    await Promise.all(responses);
    clock.advance(PREMATURE_RESET_MS);
    for (const s of slow) s.close(constants.NGHTTP2_CANCEL); // a deadline that fired after a second
    for (const s of answered) s.close(constants.NGHTTP2_CANCEL); // a mirror dropping its response
    await Promise.all(held.map((s) => new Promise<void>((resolve) => s.onClose(resolve))));
    // 600 streams, 600 resets, none of them premature: the connection still serves.
    expect((await readAll(c.request({ ":path": "/ok" }))).body.toString()).toBe("ok");
  });

  it("closes a connection left without a stream for the idle timeout with GOAWAY NO_ERROR, never one with a stream open", async () => {
    const clock = createFakeClock();
    const pending: ServerStream[] = [];
    const port = await h2Server((stream) => (stream.path === "/slow" ? pending.push(stream) : stream.respond(200, {}, Buffer.from("ok"))), undefined, clock);
    const c = client(port);
    const goaway = new Promise<number>((resolve) => c.once("goaway", (code: number) => resolve(code)));
    const clientClosed = once(c, "close");
    expect((await readAll(c.request({ ":path": "/" }))).body.toString()).toBe("ok");
    let closed = false;
    sessions[0]!.onClosed(() => (closed = true));
    const close = vi.spyOn(sessions[0]!, "close");

    // Idle for just under the timeout: the connection is still there, and serves.
    clock.advance(IDLE_TIMEOUT_MS - 1);
    expect(close).not.toHaveBeenCalled();
    expect((await readAll(c.request({ ":path": "/" }))).body.toString()).toBe("ok");
    // A stream open for longer than the timeout (a long poll, a gRPC stream) keeps it.
    const slow = c.request({ ":path": "/slow" });
    await vi.waitFor(() => expect(pending).toHaveLength(1));
    clock.advance(3 * IDLE_TIMEOUT_MS);
    expect(close).not.toHaveBeenCalled();
    pending[0]!.respond(200, {}, Buffer.from("late"));
    expect((await readAll(slow)).body.toString()).toBe("late");

    // Then idle for the whole timeout, counted from the end of that stream: GOAWAY, and the end.
    clock.advance(IDLE_TIMEOUT_MS - 1);
    expect(close).not.toHaveBeenCalled();
    clock.advance(1);
    expect(close).toHaveBeenCalledTimes(1);
    expect(await goaway).toBe(constants.NGHTTP2_NO_ERROR);
    await vi.waitFor(() => expect(closed).toBe(true));
    await clientClosed;
  });

  it("ends the session of a client that sends PINGs without reading the answers (ENHANCE_YOUR_CALM)", async () => {
    const port = await h2Server(() => undefined);
    const socket = netConnect({ port, host: "127.0.0.1" });
    clients.push(socket);
    await once(socket, "connect");
    // 17 MB of PING frames: their answers fill the kernel's socket buffers (a few MB on loopback),
    // then MAX_QUEUED_CONTROL more wait in the server's socket.
    const pings = 1_000_000;
    const ping = frame(0x6, 0, 0, 8);
    const all = Buffer.concat([PREFACE, settingsFrame([]), ...Array.from({ length: pings }, () => ping)]);
    socket.write(all);
    // Not reading: once the kernel's buffers are full, the answers pile up in the server's socket,
    // and past MAX_QUEUED_CONTROL of them the server ends the connection (its GOAWAY queued behind
    // what the client never read).
    const why = await new Promise<Error | undefined>((resolve) => sessions[0]!.onClosed(resolve));
    expect(why?.message).toBe(`HTTP/2 protocol error from the client: over ${MAX_QUEUED_CONTROL} control frames queued for a peer that does not read them`);
    let acks = 0;
    let buf = Buffer.alloc(0);
    socket.on("error", () => undefined);
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      while (buf.length >= FRAME_HEADER && buf.length >= FRAME_HEADER + buf.readUIntBE(0, 3)) {
        if (buf[3] === 0x6 && buf[4] === 0x1) acks++;
        buf = buf.subarray(FRAME_HEADER + buf.readUIntBE(0, 3));
      }
    });
    await new Promise((resolve) => socket.once("close", resolve));
    expect(acks).toBeLessThan(pings);
  });

  it("a client's half-close fails the requests it had not finished and still answers the finished ones", async () => {
    const failed = deferred<string>();
    const answer = deferred<ServerStream>();
    const port = await h2Server((stream) => {
      if (stream.path === "/unfinished") stream.body!.on("error", (err) => failed.resolve(err.message));
      else answer.resolve(stream);
    });
    const enc = new HpackEncoder();
    const socket = netConnect({ port, host: "127.0.0.1", allowHalfOpen: true });
    clients.push(socket);
    socket.write(Buffer.concat([PREFACE, settingsFrame([]), headersFrame(enc, 1, [...GET.slice(0, 6), ":path", "/unfinished"], false), headersFrame(enc, 3, GET, true)]));
    const later = await answer.promise;
    socket.end();
    expect(await failed.promise).toBe("the client closed the connection before the request ended");
    const got: Buffer[] = [];
    socket.on("data", (d: Buffer) => got.push(d));
    later.respond(200, {}, Buffer.from("still answered"));
    await once(socket, "end");
    expect(Buffer.concat(got).toString("latin1")).toContain("still answered");
  });

  it("ends the session on a client's GOAWAY with an error, or a first frame that is not SETTINGS", async () => {
    const failed = deferred<string>();
    const port = await h2Server((stream) => stream.body!.on("error", (err) => failed.resolve(err.message)));
    const enc = new HpackEncoder();
    const goaway = frame(GOAWAY, 0, 0, 8);
    goaway.writeUInt32BE(0, FRAME_HEADER);
    goaway.writeUInt32BE(constants.NGHTTP2_INTERNAL_ERROR, FRAME_HEADER + 4);
    await exchange(port, [headersFrame(enc, 1, [":method", "POST", ":scheme", "http", ":authority", "a", ":path", "/up"], false), goaway], () => false);
    expect(await failed.promise).toBe("the client ended the session (GOAWAY code 2)");

    const socket = netConnect({ port, host: "127.0.0.1" });
    clients.push(socket);
    socket.write(Buffer.concat([PREFACE, frame(0x6, 0, 0, 8)]));
    const frames: Buffer[] = [];
    socket.on("data", (d: Buffer) => frames.push(d));
    await once(socket, "close");
    expect(Buffer.concat(frames).toString("latin1")).toContain("the first frame after the preface is not SETTINGS");
  });

  it("closes a connection that does not start with the HTTP/2 preface", async () => {
    const port = await h2Server(() => undefined);
    const socket = netConnect({ port, host: "127.0.0.1" });
    clients.push(socket);
    socket.on("error", () => undefined).resume();
    socket.write("GET / HTTP/1.1\r\nhost: a\r\n\r\n");
    await once(socket, "close");
    expect(sessions).toHaveLength(1);
  });
});
