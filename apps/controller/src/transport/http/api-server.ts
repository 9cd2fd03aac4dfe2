// The controller's HTTP API: tRPC at /api/trpc, the same procedures as REST at /api/v1 with their
// OpenAPI document at /api/openapi.json, and /healthz. Authentication is resolved here (session
// cookie or bearer token) and enforced per procedure.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createHTTPHandler } from "@trpc/server/adapters/standalone";
import { createOpenApiHttpHandler, generateOpenApiDocument } from "trpc-to-openapi";
import { SESSION_COOKIE, type Principal } from "../../services/auth-service";
import type { Services } from "../../services/services";
import { appRouter } from "../trpc/root";
import type { Context } from "../trpc/trpc";
import { parseCookies, sessionCookie } from "./cookies";

export interface ApiServerOptions {
  services: Services;
  cookieSecure: boolean;
  publicUrl?: string;
  /** Checks the database; throws when it is unreachable. */
  checkHealth(): Promise<void>;
  /** The controller's own Prometheus metrics at /metrics; bearer API token required unless `public`. */
  metrics?: { contentType: string; render(): Promise<string>; public: boolean };
  log: { error(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

function json(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
  res.end(JSON.stringify(body));
}

export function createApiServer(opts: ApiServerOptions): Server {
  const { services } = opts;

  // The tRPC adapter hands us node's IncomingMessage, the REST adapter a Fetch Request.
  const header = (req: IncomingMessage | Request, name: string): string | undefined =>
    req instanceof Request ? (req.headers.get(name) ?? undefined) : (req.headers[name] as string | undefined);

  async function principalOf(req: IncomingMessage | Request, cookies: Record<string, string>): Promise<Principal | null> {
    const auth = header(req, "authorization");
    if (auth?.startsWith("Bearer ")) return services.auth.fromBearer(auth.slice(7).trim());
    const session = cookies[SESSION_COOKIE];
    return session ? services.auth.fromSession(session) : null;
  }

  async function createContext({ req, res }: { req: IncomingMessage | Request; res: ServerResponse }): Promise<Context> {
    const cookies = parseCookies(header(req, "cookie"));
    return {
      services,
      principal: await principalOf(req, cookies),
      sessionCookie: cookies[SESSION_COOKIE] ?? null,
      setSessionCookie: (value, expiresAt) =>
        res.appendHeader("set-cookie", sessionCookie(SESSION_COOKIE, value, { maxAgeSeconds: (expiresAt.getTime() - Date.now()) / 1000, secure: opts.cookieSecure })),
      clearSessionCookie: () => res.appendHeader("set-cookie", sessionCookie(SESSION_COOKIE, "", { maxAgeSeconds: 0, secure: opts.cookieSecure })),
    };
  }

  const onError = ({ error, path }: { error: { code: string; message: string; cause?: unknown }; path?: string }) => {
    if (error.code === "INTERNAL_SERVER_ERROR") opts.log.error({ err: error.cause ?? error, path }, "API procedure failed");
  };

  const trpc = createHTTPHandler({ router: appRouter, createContext, basePath: "/api/trpc/", onError });
  const rest = createOpenApiHttpHandler({ router: appRouter, createContext, onError } as Parameters<typeof createOpenApiHttpHandler>[0]);
  let openApiDocument: unknown;
  const document = (req: IncomingMessage) =>
    (openApiDocument ??= generateOpenApiDocument(appRouter, {
      title: "Weft controller API",
      description:
        "Everything the Weft console does. Authenticate with a session cookie (POST /api/v1/auth/login) or an API token: `Authorization: Bearer weft_…`.",
      version: "1.0.0",
      baseUrl: opts.publicUrl ?? `http://${req.headers.host ?? "127.0.0.1:7070"}`,
    }));

  return createServer(async (req, res) => {
    const path = (req.url ?? "/").split("?")[0]!;
    try {
      if (path === "/healthz") {
        try {
          await opts.checkHealth();
          json(res, 200, { status: "ok" });
        } catch {
          json(res, 503, { status: "unavailable", reason: "database unreachable" });
        }
        return;
      }
      if (path === "/metrics" && opts.metrics) {
        const auth = req.headers.authorization;
        const principal = opts.metrics.public ? true : auth?.startsWith("Bearer ") ? await services.auth.fromBearer(auth.slice(7).trim()) : null;
        if (!principal) {
          res.setHeader("www-authenticate", 'Bearer realm="weft"');
          return json(res, 401, { code: "WEFT_UNAUTHENTICATED", message: "send an API token as 'Authorization: Bearer weft_…' (or set WEFT_METRICS_PUBLIC=true)" });
        }
        const body = await opts.metrics.render();
        res.writeHead(200, { "content-type": opts.metrics.contentType, "cache-control": "no-store" });
        res.end(body);
        return;
      }
      if (path.startsWith("/api/trpc/")) return trpc(req, res);
      if (path === "/api/openapi.json") return json(res, 200, document(req));
      if (path.startsWith("/api/v1/")) return await rest(req, res);
      json(res, 404, { code: "WEFT_NOT_FOUND", message: `no such endpoint: ${req.method} ${path}; the API lives under /api/v1 (see /api/openapi.json) and /api/trpc` });
    } catch (err) {
      opts.log.error({ err, path }, "HTTP request failed");
      if (!res.headersSent) json(res, 500, { code: "WEFT_INTERNAL", message: "internal error; see the controller log" });
      else res.destroy();
    }
  });
}
