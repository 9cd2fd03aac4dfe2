// A minimal WebSocket echo app (RFC 6455 handshake + unfragmented frames) on node:http, for upgrade
// tests through the sidecars: echoes text and binary messages, answers a close frame with a close
// frame, and records the requests it upgraded and the closes it saw.
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";

export interface WsEcho {
  port: number;
  /** Upgrade requests received (path and headers). */
  readonly upgrades: Array<{ path: string; headers: IncomingMessage["headers"] }>;
  /** Connections that ended (client close frame or socket end). */
  readonly closed: number;
  close(): Promise<void>;
}

const GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

function frame(opcode: number, payload: Buffer): Buffer {
  const len = payload.length;
  const head = len < 126 ? Buffer.from([0x80 | opcode, len]) : len < 65536 ? Buffer.from([0x80 | opcode, 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 127]), bigLen(len)]);
  return Buffer.concat([head, payload]);
}

function bigLen(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

export async function startWsEcho(): Promise<WsEcho> {
  const upgrades: WsEcho["upgrades"] = [];
  let closed = 0;
  const sockets = new Set<Duplex>();
  const server: Server = createServer((_req, res) => res.writeHead(426, { "content-type": "text/plain" }).end("websocket only"));
  server.on("upgrade", (req: IncomingMessage, socket: Duplex) => {
    upgrades.push({ path: req.url ?? "/", headers: req.headers });
    sockets.add(socket);
    const accept = createHash("sha1").update(`${req.headers["sec-websocket-key"]}${GUID}`).digest("base64");
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    let buf = Buffer.alloc(0);
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      closed++;
    };
    socket.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        if (buf.length < 2) return;
        const opcode = buf[0]! & 0x0f;
        let len = buf[1]! & 0x7f;
        let offset = 2;
        if (len === 126) {
          if (buf.length < 4) return;
          len = buf.readUInt16BE(2);
          offset = 4;
        } else if (len === 127) {
          if (buf.length < 10) return;
          len = Number(buf.readBigUInt64BE(2));
          offset = 10;
        }
        const masked = (buf[1]! & 0x80) !== 0;
        const maskOffset = offset;
        if (masked) offset += 4;
        if (buf.length < offset + len) return;
        const payload = Buffer.from(buf.subarray(offset, offset + len));
        if (masked) for (let i = 0; i < len; i++) payload[i]! ^= buf[maskOffset + (i % 4)]!;
        buf = buf.subarray(offset + len);
        if (opcode === 0x8) {
          socket.end(frame(0x8, payload.subarray(0, 2)));
          finish();
          return;
        }
        if (opcode === 0x9) socket.write(frame(0xa, payload));
        else if (opcode === 0x1 || opcode === 0x2) socket.write(frame(opcode, payload));
      }
    });
    socket.on("error", () => undefined);
    socket.on("close", () => {
      sockets.delete(socket);
      finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    upgrades,
    get closed() {
      return closed;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
