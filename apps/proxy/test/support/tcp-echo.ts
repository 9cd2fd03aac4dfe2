// An opaque TCP app: echoes every byte, ends its side when the client ends its side (half-close),
// and counts connections — for tcp_proxy tests through the sidecars.
import { connect, createServer, type AddressInfo, type Socket } from "node:net";

export interface TcpEcho {
  port: number;
  readonly connections: number;
  /** Bytes received over all connections. */
  readonly received: number;
  close(): Promise<void>;
}

export async function startTcpEcho(): Promise<TcpEcho> {
  let connections = 0;
  let received = 0;
  const sockets = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    connections++;
    sockets.add(socket);
    socket.on("data", (d: Buffer) => {
      received += d.length;
      socket.write(d);
    });
    socket.on("end", () => socket.end());
    socket.on("error", () => undefined);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get connections() {
      return connections;
    },
    get received() {
      return received;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Connects, sends `payload`, half-closes, and collects everything until the other side ends. */
export function tcpRoundTrip(port: number, payload: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const socket = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
    socket.on("connect", () => socket.end(payload));
    socket.on("data", (d: Buffer) => chunks.push(d));
    socket.on("end", () => resolve(Buffer.concat(chunks)));
    socket.on("error", reject);
    socket.setTimeout(5000, () => socket.destroy(new Error("tcpRoundTrip timed out")));
  });
}
