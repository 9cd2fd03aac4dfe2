// HTTP/2 written by hand, for tests that need a peer no library would be: frames (HEADERS with
// END_HEADERS, DATA) and a server that answers each request's HEADERS with bytes of the test's choice.
import { createServer, type AddressInfo, type Socket } from "node:net";
import { frame, FRAME_HEADER } from "../../src/http2/frames";
import type { HpackEncoder } from "../../src/http2/hpack";

const PREFACE_LENGTH = 24;

export function headersFrame(encoder: HpackEncoder, id: number, fields: string[], endStream: boolean): Buffer {
  const block = encoder.encode(fields, FRAME_HEADER);
  const f = frame(0x1, 0x4 | (endStream ? 0x1 : 0), id, block.length - FRAME_HEADER);
  f.copy(block, 0, 0, FRAME_HEADER);
  return block;
}

export function dataFrame(id: number, bytes: string, endStream: boolean): Buffer {
  const f = frame(0x0, endStream ? 0x1 : 0, id, bytes.length);
  f.write(bytes, FRAME_HEADER, "latin1");
  return f;
}

export interface RawH2Server {
  port: number;
  close(): Promise<void>;
}

/**
 * A server that sends an empty SETTINGS, then answers each request's HEADERS with `reply`'s bytes in
 * one write; `afterReply` runs once that write is out (to reset the connection, say).
 */
export async function startRawH2Server(reply: (id: number, socket: Socket) => Buffer[], afterReply?: (socket: Socket) => void): Promise<RawH2Server> {
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => undefined);
    socket.write(frame(0x4, 0, 0, 0)); // SETTINGS, empty
    let buf = Buffer.alloc(0);
    let prefaceSeen = false;
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (!prefaceSeen) {
        if (buf.length < PREFACE_LENGTH) return;
        buf = buf.subarray(PREFACE_LENGTH);
        prefaceSeen = true;
      }
      while (buf.length >= FRAME_HEADER) {
        const length = buf.readUIntBE(0, 3);
        if (buf.length < FRAME_HEADER + length) return;
        const type = buf[3];
        const id = buf.readUInt32BE(5) & 0x7fffffff;
        buf = buf.subarray(FRAME_HEADER + length);
        if (type === 0x1) socket.write(Buffer.concat(reply(id, socket)), () => afterReply?.(socket));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
