// HPACK against node:http2 (nghttp2) over a raw TCP socket: nghttp2 decodes the blocks our encoder
// writes, we decode its Huffman-coded, table-indexed ones, and the table size update it requires.
import { once } from "node:events";
import http2 from "node:http2";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { Flag, frame, FRAME_HEADER, FrameType, PREFACE } from "./frames";
import { decode, pairs } from "./hpack-test-support";
import { HpackDecoder, HpackEncoder } from "./hpack";

interface Frame {
  type: number;
  flags: number;
  stream: number;
  payload: Buffer;
}

/** A whole frame with `payload` (frames.ts builds the header). */
function frameWith(type: FrameType, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const f = frame(type, flags, stream, payload.length);
  payload.copy(f, FRAME_HEADER);
  return f;
}

async function* readFrames(socket: net.Socket): AsyncGenerator<Frame> {
  let pending = Buffer.alloc(0);
  for await (const chunk of socket as AsyncIterable<Buffer>) {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 9) {
      const length = pending.readUIntBE(0, 3);
      if (pending.length < 9 + length) break;
      const f: Frame = {
        type: pending[3]!,
        flags: pending[4]!,
        stream: pending.readUInt32BE(5) & 0x7fffffff,
        payload: pending.subarray(9, 9 + length),
      };
      pending = pending.subarray(9 + length);
      if (f.type === FrameType.Goaway) throw new Error(`server sent GOAWAY, error code ${f.payload.readUInt32BE(4)}`);
      if (f.type === FrameType.RstStream) throw new Error(`server reset stream ${f.stream}, error code ${f.payload.readUInt32BE(0)}`);
      yield f;
    }
  }
  throw new Error("server closed the connection");
}

/** The field block of a HEADERS frame carrying END_HEADERS (the responses here need no CONTINUATION). */
function headerBlock(f: Frame): Buffer {
  expect(f.flags & Flag.EndHeaders).toBe(Flag.EndHeaders);
  let start = 0;
  let end = f.payload.length;
  if (f.flags & Flag.Padded) end -= f.payload[start++]!;
  if (f.flags & Flag.Priority) start += 5;
  return f.payload.subarray(start, end);
}

async function withH2Server(
  options: http2.ServerOptions,
  onStream: (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => void,
  run: (socket: net.Socket, authority: string) => Promise<void>,
): Promise<void> {
  const server = http2.createServer(options);
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (session) => sessions.add(session));
  server.on("stream", onStream);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as net.AddressInfo;
  const socket = net.connect(port, "127.0.0.1");
  try {
    await once(socket, "connect");
    await run(socket, `127.0.0.1:${port}`);
  } finally {
    socket.destroy();
    // A session nghttp2 failed (GOAWAY) lingers after its socket closes; close() would wait for it.
    for (const session of sessions) session.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe("HPACK against node:http2 (nghttp2)", () => {
  it("nghttp2 decodes our requests and we decode its Huffman-coded, table-indexed responses", async () => {
    const long = "weft-".repeat(600); // 3000 octets
    const received: http2.IncomingHttpHeaders[] = [];
    const respond = (stream: http2.ServerHttp2Stream, headers: http2.IncomingHttpHeaders) => {
      received.push(headers);
      stream.respond(
        {
          ":status": 200,
          "content-type": "text/plain; charset=utf-8",
          "cache-control": "private, max-age=60",
          "set-cookie": ["session=4f2a9c; Path=/; HttpOnly", "theme=dark; Path=/"],
          "x-served-by": "weft-interop-upstream.default.svc.cluster.local",
          "x-request-path": headers[":path"],
          "x-long-length": String(headers["x-long"]?.length),
          "x-latin1": "caf\u00e9",
        },
        { endStream: true },
      );
    };
    await withH2Server({}, respond, async (socket, authority) => {
      const encoder = new HpackEncoder();
      const request = (path: string) => [
        ":method", "GET",
        ":scheme", "http",
        ":authority", authority,
        ":path", path,
        "user-agent", "weft-hpack-test",
        "accept", "*/*",
        "authorization", "Bearer interop-secret",
        "x-latin1", "caf\u00e9",
        "x-long", long,
      ];
      socket.write(
        Buffer.concat([
          PREFACE,
          frameWith(FrameType.Settings, 0, 0),
          frameWith(FrameType.Headers, Flag.EndStream | Flag.EndHeaders, 1, encoder.encode(request("/first"))),
          frameWith(FrameType.Headers, Flag.EndStream | Flag.EndHeaders, 3, encoder.encode(request("/second"))),
        ]),
      );
      const blocks: Buffer[] = [];
      for await (const f of readFrames(socket)) {
        if (f.type === FrameType.Settings && !(f.flags & Flag.Ack)) socket.write(frameWith(FrameType.Settings, Flag.Ack, 0));
        if (f.type === FrameType.Headers) {
          expect(f.stream).toBe(blocks.length === 0 ? 1 : 3);
          blocks.push(headerBlock(f));
          if (blocks.length === 2) break;
        }
      }

      expect(received.map((h) => h[":path"])).toEqual(["/first", "/second"]);
      for (const headers of received) {
        expect(headers["user-agent"]).toBe("weft-hpack-test");
        expect(headers["x-latin1"]).toBe("caf\u00e9");
        expect(headers["x-long"]).toBe(long);
        expect(headers.authorization).toBe("Bearer interop-secret");
        expect((headers as Record<symbol, unknown>)[http2.sensitiveHeaders]).toEqual(["authorization"]); // arrived never-indexed
      }

      const decoder = new HpackDecoder();
      const responses = blocks.map((block) => pairs(decode(decoder, block)));
      for (const [i, fields] of responses.entries()) {
        expect(fields[0]).toEqual([":status", "200"]);
        expect(fields).toEqual(
          expect.arrayContaining([
            ["content-type", "text/plain; charset=utf-8"],
            ["cache-control", "private, max-age=60"],
            ["set-cookie", "session=4f2a9c; Path=/; HttpOnly"],
            ["set-cookie", "theme=dark; Path=/"],
            ["x-served-by", "weft-interop-upstream.default.svc.cluster.local"],
            ["x-request-path", i === 0 ? "/first" : "/second"],
            ["x-long-length", "3000"],
            ["x-latin1", "caf\u00e9"],
          ]),
        );
      }
      // nghttp2 indexed the first response's fields, so the second refers to them.
      expect(decoder.dynamicEntries()).toEqual(
        expect.arrayContaining([["x-served-by", "weft-interop-upstream.default.svc.cluster.local"]]),
      );
      expect(blocks[1]!.length).toBeLessThan(blocks[0]!.length / 2);
    });
  });

  it("after nghttp2 lowers SETTINGS_HEADER_TABLE_SIZE, our next block opens with the size update it requires", async () => {
    const respond = (stream: http2.ServerHttp2Stream) => stream.respond({ ":status": 204 }, { endStream: true });
    await withH2Server({ settings: { headerTableSize: 0 } }, respond, async (socket, authority) => {
      const encoder = new HpackEncoder();
      socket.write(Buffer.concat([PREFACE, frameWith(FrameType.Settings, 0, 0)]));
      let block: Buffer | undefined;
      for await (const f of readFrames(socket)) {
        if (f.type === FrameType.Settings && !(f.flags & Flag.Ack)) {
          for (let at = 0; at + 6 <= f.payload.length; at += 6) {
            if (f.payload.readUInt16BE(at) === 0x1) encoder.setMaxTableSize(f.payload.readUInt32BE(at + 2));
          }
          block = encoder.encode([":method", "GET", ":scheme", "http", ":authority", authority, ":path", "/"]);
          socket.write(
            Buffer.concat([frameWith(FrameType.Settings, Flag.Ack, 0), frameWith(FrameType.Headers, Flag.EndStream | Flag.EndHeaders, 1, block)]),
          );
        }
        if (f.type === FrameType.Headers) {
          expect(pairs(decode(new HpackDecoder(), headerBlock(f)))[0]).toEqual([":status", "204"]);
          break;
        }
      }
      expect(block?.[0]).toBe(0x20);
    });
  });
});
