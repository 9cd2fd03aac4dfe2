// Admin HTTP on 127.0.0.1:<adminPort>: /live, /ready, /config_dump, /metrics. Loopback only: it
// reveals the mesh's topology.
import { createServer, type Server } from "node:http";

export interface AdminHandlers {
  /** 200 when `ready`, else 503; the object is the body (reason, config source, …). */
  ready(): { ready: boolean };
  configDump(): unknown;
  metrics(): Promise<string>;
  metricsContentType: string;
}

export function createAdminServer(handlers: AdminHandlers): Server {
  return createServer((req, res) => {
    const path = (req.url ?? "/").split("?")[0];
    const json = (status: number, body: unknown) => {
      const text = JSON.stringify(body, null, 2);
      res.writeHead(status, { "content-type": "application/json", "content-length": Buffer.byteLength(text) }).end(text);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return json(405, { error: "admin endpoints are GET only" });
    switch (path) {
      case "/live":
        return json(200, { live: true });
      case "/ready": {
        const r = handlers.ready();
        return json(r.ready ? 200 : 503, r);
      }
      case "/config_dump":
        return json(200, handlers.configDump());
      case "/metrics":
        handlers.metrics().then(
          (text) => res.writeHead(200, { "content-type": handlers.metricsContentType }).end(text),
          (err: Error) => json(500, { error: err.message }),
        );
        return;
      default:
        return json(404, { error: `no admin endpoint ${path}; try /live /ready /config_dump /metrics` });
    }
  });
}
