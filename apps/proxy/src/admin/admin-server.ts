// Admin HTTP on 127.0.0.1:<adminPort>: /live, /ready, /config_dump, /metrics. Loopback only: it
// reveals the mesh's topology. A handler that throws answers 500 with its message: a probe must
// never take the data plane down with it.
import { createServer, type ServerResponse, type Server } from "node:http";

export interface AdminHandlers {
  /** 200 when `ready`, else 503; the object is the body (reason, config source, …). */
  ready(): { ready: boolean };
  /** The body of /config_dump, or `undefined` while the sidecar is still starting (503). */
  configDump(): unknown;
  metrics(): Promise<string>;
  metricsContentType: string;
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body, null, 2);
  res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
}

function route(handlers: AdminHandlers, path: string | undefined, res: ServerResponse): void {
  switch (path) {
    case "/live":
      return json(res, 200, { live: true });
    case "/ready": {
      const r = handlers.ready();
      return json(res, r.ready ? 200 : 503, r);
    }
    case "/config_dump": {
      const dump = handlers.configDump();
      return dump === undefined ? json(res, 503, { error: "the sidecar is still starting; no config to dump yet" }) : json(res, 200, dump);
    }
    case "/metrics":
      handlers.metrics().then(
        (text) => res.writeHead(200, { "content-type": handlers.metricsContentType }).end(text),
        (err: Error) => json(res, 500, { error: err.message }),
      );
      return;
    default:
      return json(res, 404, { error: `no admin endpoint ${path}; try /live /ready /config_dump /metrics` });
  }
}

export function createAdminServer(handlers: AdminHandlers): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") return json(res, 405, { error: "admin endpoints are GET only" });
    try {
      route(handlers, path, res);
    } catch (err) {
      json(res, 500, { error: `${path}: ${(err as Error).message}` });
    }
  });
}
