// A real HTTP upstream on loopback that says who it is: `{ service, version, method, path, headers }`.
// Used as "the app behind a sidecar" in tests. Extra behaviours are driven by request headers so a
// test can ask for them through any number of proxies:
//   x-echo-status: <code>    reply with that status
//   x-echo-delay-ms: <ms>    wait before replying (for timeout tests; real time, keep it small)
//   x-echo-bytes: <n>        reply with an n-byte body instead of JSON
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface EchoServer {
  url: string;
  port: number;
  /** Requests received, in order. */
  received: Array<{ method: string; path: string; headers: IncomingMessage["headers"]; body: string }>;
  close(): Promise<void>;
}

export async function startEchoServer(opts: { service: string; version?: string; host?: string } = { service: "echo" }): Promise<EchoServer> {
  const received: EchoServer["received"] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      received.push({ method: req.method ?? "GET", path: req.url ?? "/", headers: req.headers, body });
      const status = Number(req.headers["x-echo-status"] ?? 200);
      const delay = Number(req.headers["x-echo-delay-ms"] ?? 0);
      const bytes = req.headers["x-echo-bytes"];
      const reply = () => {
        if (bytes !== undefined) {
          res.writeHead(status, { "content-type": "application/octet-stream", "x-echo-version": opts.version ?? "" });
          res.end(Buffer.alloc(Number(bytes), 120));
          return;
        }
        res.writeHead(status, { "content-type": "application/json", "x-echo-version": opts.version ?? "" });
        res.end(JSON.stringify({ service: opts.service, version: opts.version ?? null, method: req.method, path: req.url, headers: req.headers, body }));
      };
      if (delay > 0) setTimeout(reply, delay);
      else reply();
    });
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve) => server.listen(0, opts.host ?? "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
