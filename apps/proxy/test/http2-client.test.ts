// The HTTP/2 client codec (src/http2/client-session.ts) against node:http2's server (nghttp2) on
// loopback: small answers as one Buffer, long ones streamed with flow control both ways, trailers,
// resets either way, SETTINGS_MAX_CONCURRENT_STREAMS, GOAWAY, informational responses,
// CONTINUATION both ways, and a peer that breaks the protocol.
import { afterEach, describe, expect, it, vi } from "vitest";
import { once } from "node:events";
import { connect, createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import { constants, createServer, type Http2Server, type ServerHttp2Session, type ServerHttp2Stream, type IncomingHttpHeaders as H2Headers, type Settings } from "node:http2";
import { Readable } from "node:stream";
import { ClientSession } from "../src/http2/client-session";
import type { ClientResponse } from "../src/http2/client-stream";
import { StreamBody } from "../src/http2/stream";
import { frame, rstStreamFrame } from "../src/http2/frames";
import { HpackEncoder } from "../src/http2/hpack";
import { deferred } from "./support/upstreams";
import { dataFrame, headersFrame, startRawH2Server } from "./support/raw-h2";

const OPTIONS = { streamWindow: 1 << 20, sessionWindow: 8 << 20, idleTimeoutMs: 60_000 };

let server: Http2Server | NetServer | undefined;
const sockets: Socket[] = [];
const serverSessions: ServerHttp2Session[] = [];
const closers: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closers.splice(0)) await close();
  for (const s of sockets.splice(0)) s.destroy();
  for (const s of serverSessions.splice(0)) s.destroy();
  if (server !== undefined) {
    const s = server;
    server = undefined;
    await new Promise<void>((resolve) => s.close(() => resolve()));
  }
});

async function h2Server(onStream: (stream: ServerHttp2Stream, headers: H2Headers) => void, settings?: Settings, padded = false): Promise<number> {
  const s = createServer({ ...(settings === undefined ? {} : { settings }), ...(padded ? { paddingStrategy: constants.PADDING_STRATEGY_MAX } : {}) });
  s.on("stream", (stream, headers) => {
    stream.on("error", () => undefined); // resets the tests provoke
    onStream(stream, headers);
  });
  s.on("session", (session) => {
    serverSessions.push(session);
    session.on("error", () => undefined);
  });
  server = s;
  s.listen(0, "127.0.0.1");
  await once(s, "listening");
  return (s.address() as AddressInfo).port;
}

function session(port: number, options = OPTIONS): ClientSession {
  const socket = connect({ port, host: "127.0.0.1" });
  sockets.push(socket);
  return new ClientSession(socket, options);
}

function get(s: ClientSession, path: string, extra: string[] = []): Promise<ClientResponse> {
  return s.request([":method", "GET", ":scheme", "http", ":authority", "app.test", ":path", path, ...extra], null).response;
}

async function readAll(body: ClientResponse["body"]): Promise<{ bytes: Buffer; trailers: H2Headers | undefined }> {
  if (body === null) return { bytes: Buffer.alloc(0), trailers: undefined };
  if (Buffer.isBuffer(body)) return { bytes: body, trailers: undefined };
  let trailers: H2Headers | undefined;
  body.once("trailers", (t: H2Headers) => (trailers = t));
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return { bytes: Buffer.concat(chunks), trailers };
}

describe("HTTP/2 client session against node:http2", () => {
  it("answers small responses as one Buffer, with repeated headers combined as node:http2 does", async () => {
    const port = await h2Server((stream, headers) => {
      stream.respond({ ":status": 200, "content-type": "text/plain", "x-path": headers[":path"], "set-cookie": ["a=1", "b=2"], "x-long": "v".repeat(300) });
      stream.end(`hello ${headers[":path"]} ${headers["x-extra"] ?? ""}`);
    });
    const s = session(port);
    // Several at once, and again (nghttp2's dynamic table is in use by then).
    for (let round = 0; round < 2; round++) {
      const replies = await Promise.all([get(s, "/a", ["x-extra", "1"]), get(s, "/b"), get(s, "/c")]);
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200]);
      expect(replies.map((r) => r.headers["x-path"])).toEqual(["/a", "/b", "/c"]);
      expect(replies[0]!.headers["set-cookie"]).toEqual(["a=1", "b=2"]);
      expect(replies[0]!.headers["x-long"]).toBe("v".repeat(300));
      expect(Buffer.isBuffer(replies[0]!.body)).toBe(true);
      expect(String(replies[0]!.body)).toBe("hello /a 1");
    }
    s.destroy();
  });

  it("reads padded HEADERS and DATA frames", async () => {
    const port = await h2Server(
      (stream) => {
        stream.respond({ ":status": 200, "x-padded": "yes" });
        stream.write("first ");
        stream.end("second");
      },
      undefined,
      true,
    );
    const s = session(port);
    const r = await get(s, "/");
    expect(r.headers["x-padded"]).toBe("yes");
    expect(String((await readAll(r.body)).bytes)).toBe("first second");
    s.destroy();
  });

  it("streams a response larger than every window, crediting the server as it is read", async () => {
    const size = 12 << 20; // above the 8 MiB session window and the 1 MiB stream window
    const port = await h2Server((stream) => {
      stream.respond({ ":status": 200 });
      const chunk = Buffer.alloc(64 * 1024, 7);
      let sent = 0;
      const write = () => {
        while (sent < size) {
          sent += chunk.length;
          if (!stream.write(chunk)) return void stream.once("drain", write);
        }
        stream.end();
      };
      write();
    });
    const s = session(port);
    const r = await get(s, "/big");
    expect(r.body).toBeInstanceOf(StreamBody);
    const { bytes } = await readAll(r.body);
    expect(bytes.length).toBe(size);
    s.destroy();
  });

  it("streams a request body larger than the server's windows, and sends one given as a Buffer", async () => {
    const port = await h2Server(async (stream) => {
      let n = 0;
      for await (const chunk of stream) n += (chunk as Buffer).length;
      stream.respond({ ":status": 200 });
      stream.end(String(n));
    });
    const s = session(port);
    const size = 3 << 20; // node:http2's server window is 64 KiB: the client must wait for WINDOW_UPDATEs
    const source = Readable.from((function* () {
      for (let sent = 0; sent < size; sent += 32 * 1024) yield Buffer.alloc(32 * 1024, 1);
    })());
    source.pause();
    const streamed = await s.request([":method", "POST", ":scheme", "http", ":authority", "app.test", ":path", "/up"], source).response;
    expect(String(await readAll(streamed.body).then((b) => b.bytes))).toBe(String(size));
    const whole = await s.request([":method", "POST", ":scheme", "http", ":authority", "app.test", ":path", "/up"], Buffer.alloc(200_000, 2)).response;
    expect(String(await readAll(whole.body).then((b) => b.bytes))).toBe("200000");
    s.destroy();
  });

  it("delivers trailers before the end, whether or not they came in the same read as the headers", async () => {
    const later = deferred();
    const port = await h2Server((stream, headers) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.once("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0", "grpc-message": String(headers[":path"]) }));
      if (headers[":path"] === "/slow") {
        stream.write("part one ");
        void later.promise.then(() => stream.end("part two"));
      } else stream.end("all at once");
    });
    const s = session(port);
    const fast = await get(s, "/fast");
    expect(fast.body).toBeInstanceOf(StreamBody); // trailers: never a bare Buffer
    expect(await readAll(fast.body)).toMatchObject({ trailers: { "grpc-status": "0", "grpc-message": "/fast" } });
    const slow = await get(s, "/slow");
    later.resolve();
    const got = await readAll(slow.body);
    expect(String(got.bytes)).toBe("part one part two");
    expect(got.trailers).toMatchObject({ "grpc-status": "0", "grpc-message": "/slow" });
    s.destroy();
  });

  it("fails a request the server resets before answering, and a body it resets midway", async () => {
    const port = await h2Server((stream, headers) => {
      if (headers[":path"] === "/refuse") return void stream.close(constants.NGHTTP2_REFUSED_STREAM);
      stream.respond({ ":status": 200 });
      // destroy() resets without ending the stream first (close() would send END_STREAM, then RST_STREAM).
      stream.write(Buffer.alloc(1000), () => setImmediate(() => stream.destroy(new Error("upstream failure"))));
    });
    const s = session(port);
    await expect(get(s, "/refuse")).rejects.toMatchObject({ code: "ERR_HTTP2_STREAM_ERROR", message: expect.stringContaining("RST_STREAM code 7") });
    const midway = await get(s, "/midway");
    const body = midway.body as StreamBody;
    await expect(readAll(body)).rejects.toMatchObject({ message: expect.stringContaining("RST_STREAM code 2") });
    expect(body.rstCode).toBe(constants.NGHTTP2_INTERNAL_ERROR);
    // The session is still good.
    s.destroy();
  });

  it("cancels a stream: the server sees RST_STREAM CANCEL, the pending response fails, the session carries on", async () => {
    const closed = deferred<number>();
    const port = await h2Server((stream, headers) => {
      if (headers[":path"] === "/hang") return void stream.once("close", () => closed.resolve(stream.rstCode!));
      stream.respond({ ":status": 204 });
      stream.end();
    });
    const s = session(port);
    const { stream, response } = s.request([":method", "GET", ":scheme", "http", ":authority", "a", ":path", "/hang"], null);
    const ok = await get(s, "/ok"); // the server has seen /hang by now (streams are handled in order)
    expect(ok.status).toBe(204);
    expect(ok.body).toBeNull();
    stream.cancel();
    await expect(response).rejects.toMatchObject({ code: "ERR_HTTP2_STREAM_ERROR" });
    expect(await closed.promise).toBe(constants.NGHTTP2_CANCEL);
    expect((await get(s, "/ok")).status).toBe(204);
    s.destroy();
  });

  it("keeps to the server's SETTINGS_MAX_CONCURRENT_STREAMS, queueing the rest", async () => {
    let active = 0;
    let most = 0;
    const port = await h2Server(
      (stream) => {
        active++;
        most = Math.max(most, active);
        stream.once("close", () => active--);
        setImmediate(() => {
          stream.respond({ ":status": 200 });
          stream.end("x");
        });
      },
      { maxConcurrentStreams: 2 },
    );
    const s = session(port);
    await get(s, "/first"); // the server's SETTINGS have arrived
    const replies = await Promise.all(Array.from({ length: 7 }, (_, i) => get(s, `/${i}`)));
    expect(replies.every((r) => r.status === 200)).toBe(true);
    expect(most).toBeLessThanOrEqual(2);
    s.destroy();
  });

  it("sends a request's trailers, also when its empty body ended while it waited for a stream slot", async () => {
    const held: ServerHttp2Stream[] = [];
    const port = await h2Server(
      (stream, headers) => {
        if (headers[":path"] === "/hold") return void held.push(stream);
        let trailers: H2Headers = {};
        stream.on("trailers", (t: H2Headers) => (trailers = t));
        stream.resume().on("end", () => {
          stream.respond({ ":status": 200, "x-got": String(trailers["x-sum"]) });
          stream.end();
        });
      },
      { maxConcurrentStreams: 1 },
    );
    const s = session(port);
    await get(s, "/first"); // the server's SETTINGS have arrived
    const hold = s.request([":method", "GET", ":scheme", "http", ":authority", "app.test", ":path", "/hold"], null).response;
    await vi.waitFor(() => expect(held).toHaveLength(1));
    const body = new Readable({ read() {} });
    body.prependOnceListener("end", () => body.emit("trailers", { "x-sum": "42" }));
    body.push(null);
    const queued = s.request([":method", "POST", ":scheme", "http", ":authority", "app.test", ":path", "/t"], body).response;
    await vi.waitFor(() => expect(body.readableEnded).toBe(true));
    held[0]!.respond({ ":status": 200 });
    held[0]!.end();
    expect((await hold).status).toBe(200);
    expect((await queued).headers["x-got"]).toBe("42");
    s.destroy();
  });

  it("on GOAWAY fails the streams the server will not process, finishes the others, then closes", async () => {
    const release = deferred();
    const seen = deferred();
    const port = await h2Server((stream) => {
      seen.resolve();
      void release.promise.then(() => {
        stream.respond({ ":status": 200 });
        stream.end("done");
      });
    });
    const s = session(port);
    const first = get(s, "/first");
    await seen.promise;
    serverSessions[0]!.goaway(constants.NGHTTP2_NO_ERROR, 1);
    const retired = new Promise<void>((resolve) => s.onRetired(resolve));
    const second = get(s, "/second"); // sent before the GOAWAY arrives, or refused by the closing session
    await expect(second).rejects.toMatchObject({ code: "ERR_HTTP2_GOAWAY_SESSION" });
    expect(s.closed).toBe(true);
    release.resolve();
    const r = await first;
    expect(String(await readAll(r.body).then((b) => b.bytes))).toBe("done");
    await retired;
  });

  it("stops taking streams once its stream IDs are worn out, finishes the ones in flight, then closes the connection", async () => {
    const port = await h2Server((stream) => {
      stream.respond({ ":status": 200 });
      stream.end("ok");
    });
    const socket = connect({ port, host: "127.0.0.1" });
    sockets.push(socket);
    const s = new ClientSession(socket, { ...OPTIONS, maxStreamId: 3 });
    const first = get(s, "/1");
    expect(s.closed).toBe(false);
    const second = get(s, "/3");
    expect(s.closed).toBe(true); // stream 3 was the last: the pool opens a new session for the next request
    const ended = once(socket, "close");
    expect((await Promise.all([first, second])).map((r) => String(r.body))).toEqual(["ok", "ok"]);
    await ended;
  });

  it("skips informational responses and sends and receives header blocks longer than a frame (CONTINUATION)", async () => {
    const port = await h2Server((stream, headers) => {
      stream.additionalHeaders({ ":status": 103, link: "</style.css>; rel=preload" });
      stream.respond({ ":status": 200, "x-echo-length": String(String(headers["x-big"]).length), "x-big-reply": "r".repeat(40_000) });
      stream.end();
    });
    const s = session(port);
    const r = await get(s, "/", ["x-big", "b".repeat(40_000)]);
    expect(r.status).toBe(200);
    expect(r.headers["x-echo-length"]).toBe("40000");
    expect(r.headers["x-big-reply"]).toHaveLength(40_000);
    s.destroy();
  });

  it("fails every stream with a clear error when the peer breaks the protocol, and closes", async () => {
    const net = createNetServer((socket) => {
      sockets.push(socket);
      socket.once("data", () => {
        // A DATA frame on stream 0 instead of the server preface.
        socket.write(Buffer.from([0, 0, 1, 0, 0, 0, 0, 0, 0, 42]));
      });
    });
    server = net;
    net.listen(0, "127.0.0.1");
    await once(net, "listening");
    const s = session((net.address() as AddressInfo).port);
    await expect(get(s, "/")).rejects.toMatchObject({ code: "ERR_HTTP2_SESSION_ERROR", message: expect.stringContaining("DATA on stream 0") });
    expect(s.closed).toBe(true);
    await expect(get(s, "/")).rejects.toThrow(/DATA on stream 0/);
  });

  it("fails pending streams when the connection drops", async () => {
    const net = createNetServer((socket) => {
      sockets.push(socket);
      socket.once("data", () => socket.destroy());
    });
    server = net;
    net.listen(0, "127.0.0.1");
    await once(net, "listening");
    const s = session((net.address() as AddressInfo).port);
    await expect(get(s, "/")).rejects.toMatchObject({ message: expect.stringMatching(/closed the connection|ECONNRESET/) });
  });

  describe("against a server that misbehaves (frames written by hand)", () => {
    /** A server that answers each request's HEADERS with `reply(streamId)`'s bytes, in one write. */
    async function rawServer(reply: (id: number, encoder: HpackEncoder) => Buffer[]): Promise<number> {
      const encoders = new WeakMap<Socket, HpackEncoder>();
      const raw = await startRawH2Server((id, socket) => {
        let encoder = encoders.get(socket);
        if (encoder === undefined) encoders.set(socket, (encoder = new HpackEncoder()));
        return reply(id, encoder);
      });
      closers.push(raw.close);
      return raw.port;
    }

    it("refuses a body shorter than its content-length, and header names in upper case", async () => {
      const port = await rawServer((id, enc) =>
        id === 1
          ? [headersFrame(enc, id, [":status", "200", "content-length", "100"], false), dataFrame(id, "x".repeat(50), true)]
          : [headersFrame(enc, id, [":status", "200", "X-Upper", "1"], true)],
      );
      const s = session(port);
      await expect(get(s, "/short")).rejects.toThrow(/malformed response from the upstream: the stream ended 50 bytes short of its content-length/);
      await expect(get(s, "/upper")).rejects.toThrow(/header name "X-Upper" is not lower case/);
      s.destroy();
    });

    it("keeps trailers when RST_STREAM(NO_ERROR) follows a complete response in the same read", async () => {
      const port = await rawServer((id, enc) => [
        headersFrame(enc, id, [":status", "200", "content-type", "application/grpc"], false),
        dataFrame(id, "payload", false),
        headersFrame(enc, id, ["grpc-status", "7", "grpc-message", "denied"], true),
        rstStreamFrame(id, 0),
      ]);
      const s = session(port);
      const r = await get(s, "/");
      const got = await readAll(r.body);
      expect(String(got.bytes)).toBe("payload");
      expect(got.trailers).toMatchObject({ "grpc-status": "7", "grpc-message": "denied" });
      s.destroy();
    });

    it("resets only the stream that gets DATA after its end; the session carries on", async () => {
      const port = await rawServer((id, enc) =>
        id === 1 ? [headersFrame(enc, id, [":status", "200"], true), dataFrame(id, "late", false)] : [headersFrame(enc, id, [":status", "204"], true)],
      );
      const s = session(port);
      // A request body still open keeps stream 1 alive on our side after the server ended its side.
      const upload = new Readable({ read() {} });
      upload.pause();
      await expect(s.request([":method", "POST", ":scheme", "http", ":authority", "a", ":path", "/up"], upload).response).rejects.toThrow(/DATA after ending the stream/);
      expect((await get(s, "/next")).status).toBe(204);
      expect(s.closed).toBe(false);
      s.destroy();
    });
  });
});
