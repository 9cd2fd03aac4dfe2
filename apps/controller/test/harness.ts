// Starts a real controller for a test: fresh migrated database, API and xDS on loopback port 0,
// an admin user and an API token. Everything is stopped by `close()`.
import { createTRPCClient, httpBatchLink } from "@trpc/client";
import { createTestDatabase, type TestDatabase } from "@weft/test-kit";
import { startController, type Controller } from "../src/controller";
import type { ControllerConfig } from "../src/env";
import { createLogger, type Logger } from "../src/log";
import type { Clock } from "../src/ports/clock";
import type { AppRouter } from "../src/transport/trpc/root";

export const ADMIN = { username: "admin", password: "correct-horse-battery" };
export const TOKEN = "weft_test_token_0123456789abcdefghij";

export interface TestController {
  controller: Controller;
  database: TestDatabase;
  apiUrl: string;
  /** tRPC client authenticated with the bootstrap API token. */
  api: ReturnType<typeof createTRPCClient<AppRouter>>;
  /** fetch against the API with the bootstrap token unless `auth: false`. */
  http(path: string, init?: RequestInit & { auth?: boolean }): Promise<Response>;
  close(): Promise<void>;
}

export function trpcClient(apiUrl: string, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({ links: [httpBatchLink({ url: `${apiUrl}/api/trpc`, headers })] });
}

export interface TestControllerOptions {
  clock?: Clock;
  config?: Partial<ControllerConfig>;
  /** Reuse a database (another replica, or a restart); the caller drops it. Default: a fresh one, dropped by close(). */
  database?: TestDatabase;
  log?: Logger;
}

/** Collects the controller's JSON log lines (e.g. to check that secrets never appear). */
export function captureLogs(level = "info"): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  return { log: createLogger(level, "weft-controller", { write: (line: string) => void lines.push(line) }), lines };
}

export async function startTestController(opts: TestControllerOptions = {}): Promise<TestController> {
  const database = opts.database ?? (await createTestDatabase());
  const config: ControllerConfig = {
    databaseUrl: database.url,
    api: { host: "127.0.0.1", port: 0 },
    xds: { host: "127.0.0.1", port: 0 },
    bootstrap: { username: ADMIN.username, password: ADMIN.password, token: TOKEN },
    sessions: { ttlMs: 3_600_000, cookieSecure: false },
    endpointGraceMs: 60_000,
    logLevel: "silent",
    ...opts.config,
  };
  const log = opts.log ?? createLogger(process.env.WEFT_TEST_LOG ?? "silent");
  let controller: Controller;
  try {
    controller = await startController(config, { log, ...(opts.clock ? { clock: opts.clock } : {}) });
  } catch (err) {
    if (!opts.database) await database.drop();
    throw err;
  }
  return {
    controller,
    database,
    apiUrl: controller.apiUrl,
    api: trpcClient(controller.apiUrl, { authorization: `Bearer ${TOKEN}` }),
    http: (path, init = {}) => {
      const { auth = true, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (auth && !headers.has("authorization")) headers.set("authorization", `Bearer ${TOKEN}`);
      if (rest.body && !headers.has("content-type")) headers.set("content-type", "application/json");
      return fetch(`${controller.apiUrl}${path}`, { ...rest, headers });
    },
    close: async () => {
      await controller.close();
      if (!opts.database) await database.drop();
    },
  };
}

/** Polls `check` until it returns a truthy value; fails after `timeoutMs` with `what` in the message. */
export async function waitFor<T>(what: string, check: () => Promise<T> | T, timeoutMs = 5000, everyMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ""}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The error a call rejected with (tRPC client errors carry `data.weftCode` and `data.field`); fails if it resolved. */
export async function errorOf(p: Promise<unknown>): Promise<{ message: string; data: { weftCode: string; field?: string; httpStatus: number } }> {
  try {
    await p;
  } catch (err) {
    return err as never;
  }
  throw new Error("expected the call to fail");
}
