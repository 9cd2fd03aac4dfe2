// Node HTTP server plumbing shared by the listeners: timeouts suited to a proxy, listen on a port
// (0 = any) and report the bound one, and close with an optional drain period.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Server as NetServer } from "node:net";

/** Idle keep-alive of downstream connections, ms; above common client pool idle times (4-5 s)
 *  so the client, not the sidecar, closes idle connections (avoids racing a request into a close). */
export const DOWNSTREAM_KEEPALIVE_MS = 65_000;

export function createProxyServer(listener: (req: IncomingMessage, res: ServerResponse) => void): Server {
  const server = createServer(listener);
  server.keepAliveTimeout = DOWNSTREAM_KEEPALIVE_MS;
  server.headersTimeout = DOWNSTREAM_KEEPALIVE_MS + 5_000; // must exceed keepAliveTimeout
  server.requestTimeout = 0; // bodies may stream for long; timeouts are per-route layers' job
  return server;
}

/** Binds any listening server (HTTP, raw TCP); the error names the address and what it was for. */
export async function listen(server: NetServer, port: number, host: string, what: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException) => {
      server.off("listening", onListening);
      reject(new Error(`cannot listen on ${host}:${port} for the ${what}: ${err.code ?? err.message}`, { cause: err }));
    };
    const onListening = () => {
      server.off("error", onError);
      resolve();
    };
    server.once("error", onError);
    server.once("listening", onListening);
    server.listen(port, host);
  });
  return (server.address() as AddressInfo).port;
}

/** Idle-connection sweep period while draining, ms. */
const DRAIN_SWEEP_MS = 100;

/** Stops accepting, lets in-flight requests finish for up to `drainMs`, then cuts what is left. */
export async function closeServer(server: Server, drainMs: number): Promise<void> {
  if (!server.listening) return;
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  if (drainMs > 0) {
    // Requests still arriving on open keep-alive connections are answered with Connection: close;
    // connections that go idle once their response is done are swept.
    server.on("request", (_req: IncomingMessage, res: ServerResponse) => {
      res.shouldKeepAlive = false;
    });
    const sweep = setInterval(() => server.closeIdleConnections(), DRAIN_SWEEP_MS).unref();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs).unref()))]);
    clearTimeout(timer);
    clearInterval(sweep);
  }
  server.closeAllConnections();
  await closed;
}
