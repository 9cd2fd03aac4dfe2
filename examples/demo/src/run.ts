// Runs the demo bookshop: seeds its services in the controller, starts every app with its own Weft
// sidecar, then a bounded load generator. Stops everything on SIGTERM/SIGINT.
// Environment: WEFT_CONTROLLER (xDS address), WEFT_API_URL + WEFT_API_TOKEN (to seed),
// WEFT_DEMO_PORT_BASE (the shop's public port), WEFT_DEMO_SIDECAR_PORT_BASE, WEFT_DEMO_LOG_DIR,
// WEFT_DEMO_STATE_DIR (sidecars' saved config and certificates), WEFT_DEMO_RPS (default 8),
// WEFT_DEMO_DURATION_S (default 43200 = 12 h).
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startLoad } from "./loadgen";
import { seed } from "./seed";
import { instances } from "./topology";

const env = process.env;
const controller = env.WEFT_CONTROLLER ?? "127.0.0.1:18000";
const apiUrl = env.WEFT_API_URL ?? "http://127.0.0.1:7070";
const token = env.WEFT_API_TOKEN;
const publicPort = Number(env.WEFT_DEMO_PORT_BASE ?? 8080);
const sidecarBase = Number(env.WEFT_DEMO_SIDECAR_PORT_BASE ?? 15000);
const logDir = env.WEFT_DEMO_LOG_DIR ?? join(process.cwd(), "data", "logs");
const stateDir = env.WEFT_DEMO_STATE_DIR ?? join(logDir, "..", "sidecars");
const rps = Number(env.WEFT_DEMO_RPS ?? 8);
const durationS = Number(env.WEFT_DEMO_DURATION_S ?? 43_200);

const here = fileURLToPath(new URL(".", import.meta.url));
const appEntry = join(here, "app.js");
// The sidecar as users run it: its launcher (node, the bundle, its process settings).
const sidecarLauncher = join(here, "../../../apps/proxy/bin/weft-proxy");
const children: ChildProcess[] = [];
let stopping = false;

function log(msg: string, extra: object = {}) {
  console.log(JSON.stringify({ time: new Date().toISOString(), component: "demo", msg, ...extra }));
}

function spawnLogged(name: string, command: string, args: string[], childEnv: Record<string, string>) {
  const out = createWriteStream(join(logDir, `${name}.log`), { flags: "a" });
  const child = spawn(command, args, { env: { ...env, ...childEnv }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.pipe(out);
  child.stderr!.pipe(out);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      log(`${name} exited unexpectedly`, { code, signal, log: join(logDir, `${name}.log`) });
      void shutdown(1);
    }
  });
  children.push(child);
}

async function waitFor(url: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (res.ok) return;
    } catch {}
    if (Date.now() > deadline) throw new Error(`${url} not ready after ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

let load: ReturnType<typeof startLoad> | undefined;
async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  await load?.stop();
  for (const c of children) c.kill("SIGTERM");
  await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r)))));
  process.exit(code);
}
process.on("SIGTERM", () => void shutdown(0));
process.on("SIGINT", () => void shutdown(0));

try {
  mkdirSync(logDir, { recursive: true });
  if (!token) throw new Error("WEFT_API_TOKEN is not set: the demo needs an API token to declare its services and get join tokens for its sidecars");
  const joinTokens = await seed(apiUrl, token);
  log("declared the demo services in the controller and issued their join tokens", { apiUrl });

  for (const i of instances(publicPort, sidecarBase)) {
    const name = `${i.service}-${i.version}`;
    spawnLogged(`demo-${name}`, process.execPath, ["--enable-source-maps", appEntry], {
      DEMO_SERVICE: i.service,
      DEMO_VERSION: i.version,
      PORT: String(i.appPort),
      HTTP_PROXY: `http://127.0.0.1:${i.outboundPort}`,
      NO_PROXY: "",
    });
    spawnLogged(`sidecar-${name}`, sidecarLauncher, [], {
      NODE: process.execPath,
      WEFT_SERVICE: i.service,
      WEFT_NAMESPACE: "default",
      WEFT_VERSION: i.version,
      WEFT_APP_PORT: String(i.appPort),
      WEFT_SERVICE_PORT: "80",
      WEFT_INBOUND_PORT: String(i.inboundPort),
      WEFT_OUTBOUND_PORT: String(i.outboundPort),
      WEFT_ADMIN_PORT: String(i.adminPort),
      WEFT_CONTROLLER: controller,
      WEFT_NODE_ID: `${name}-demo`,
      WEFT_JOIN_TOKEN: joinTokens.get(i.service)!,
      // A demo is for looking: trace every request (the default is 1%).
      WEFT_TRACE_SAMPLING: env.WEFT_DEMO_TRACE_SAMPLING ?? "1",
      WEFT_STATE_DIR: join(stateDir, name),
    });
  }

  const shop = `http://127.0.0.1:${publicPort}`;
  await waitFor(`${shop}/healthz`, 60_000);
  log("the shop is up", { url: shop });
  load = startLoad({
    url: shop,
    requestsPerSecond: rps,
    durationMs: durationS * 1000,
    maxRequests: rps * durationS,
    onReport: (s) => log("load", { sent: s.sent, byStatus: s.byStatus, reviews: s.byReviewsVersion, errors: s.errors }),
  });
} catch (err) {
  log("demo failed to start", { error: (err as Error).message });
  await shutdown(1);
}
