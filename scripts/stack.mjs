#!/usr/bin/env node
// Runs Weft locally: migrates the embedded SQLite database, starts the controller, the console and
// (unless --no-demo) the demo services with their sidecars, waits until each is healthy, prints
// where to sign in, and stops everything on Ctrl-C. Expects a build (`npm run build`).
//
//   node scripts/stack.mjs                 the quick start (data in ./data, console on :3000)
//   node scripts/stack.mjs --profile e2e   a throwaway stack for the browser tests (temp data dir, other ports)
import { spawn, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, createWriteStream } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const args = process.argv.slice(2);
const flag = (name) => args.includes(`--${name}`);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : fallback;
};

const profile = option("profile", "dev");
const PROFILES = {
  dev: { api: 7070, xds: 18000, web: 3000, demoBase: 8080, sidecarBase: 15000 },
  e2e: { api: 17070, xds: 18070, web: 3100, demoBase: 18080, sidecarBase: 25000 },
};
const ports = PROFILES[profile];
if (!ports) {
  console.error(`unknown profile "${profile}" (dev, e2e)`);
  process.exit(2);
}
const withDemo = !flag("no-demo");
const dataDir = profile === "e2e" ? mkdtempSync(join(tmpdir(), "weft-e2e-")) : join(root, "data");
mkdirSync(join(dataDir, "logs"), { recursive: true });

const bold = (s) => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);
const step = (s) => console.log(`${bold("==")} ${s}`);

// Credentials: chosen once per data directory, kept beside the database (mode 600), shown on the terminal.
function credentials() {
  if (profile === "e2e") {
    return { password: process.env.WEFT_E2E_PASSWORD ?? "weft-e2e-password", token: process.env.WEFT_E2E_TOKEN ?? "weft_e2e_token_0123456789abcdefghij" };
  }
  const file = join(dataDir, "credentials.json");
  if (existsSync(file)) return JSON.parse(readFileSync(file, "utf8"));
  const creds = { password: randomBytes(12).toString("base64url"), token: `weft_${randomBytes(24).toString("base64url")}` };
  writeFileSync(file, JSON.stringify(creds, null, 2) + "\n", { mode: 0o600 });
  return creds;
}

const dbFile = join(dataDir, "weft.db");
const databaseUrl = `file:${dbFile}`;
const creds = credentials();
const children = [];
let stopping = false;

function start(name, command, commandArgs, env, cwd = root) {
  const log = createWriteStream(join(dataDir, "logs", `${name}.log`), { flags: "a" });
  const child = spawn(command, commandArgs, { cwd, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout.pipe(log);
  child.stderr.pipe(log);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      const file = join(dataDir, "logs", `${name}.log`);
      log.end(() => {
        const tail = readFileSync(file, "utf8").trimEnd().split("\n").slice(-25).join("\n");
        console.error(`\n${name} exited (${signal ?? code}). The end of ${file}:\n${tail}\n`);
        stop(1);
      });
    }
  });
  children.push({ name, child });
  return child;
}

async function waitHttp(name, url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.status < 500) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${name} did not become ready at ${url} within ${timeoutMs / 1000} s; see ${join(dataDir, "logs")}`);
}

function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  for (const { child } of [...children].reverse()) child.kill("SIGTERM");
  const force = setTimeout(() => {
    for (const { child } of children) child.kill("SIGKILL");
  }, 5000);
  force.unref();
  Promise.all(children.map(({ child }) => (child.exitCode !== null ? null : new Promise((r) => child.once("exit", r))))).then(() => {
    if (profile === "e2e") rmSync(dataDir, { recursive: true, force: true });
    process.exit(code);
  });
}
process.on("SIGINT", () => stop(0));
process.on("SIGTERM", () => stop(0));

try {
  for (const artefact of ["apps/controller/dist/main.js", "apps/web/.next/BUILD_ID", ...(withDemo ? ["apps/proxy/dist/main.js", "examples/demo/dist/run.js"] : [])]) {
    if (!existsSync(join(root, artefact))) throw new Error(`${artefact} is missing: run \`npm run build\` first`);
  }

  step(`Migrating the database (${dbFile})`);
  execFileSync(join(root, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, NODE_OPTIONS: `--require ${join(root, "prisma/unref-timers.cjs")}` },
    stdio: ["ignore", "ignore", "inherit"],
  });

  const controllerUrl = `http://127.0.0.1:${ports.api}`;
  step(`Starting the controller (API ${controllerUrl}, xDS 127.0.0.1:${ports.xds})`);
  start("controller", process.execPath, ["--enable-source-maps", "apps/controller/dist/main.js"], {
    DATABASE_URL: databaseUrl,
    WEFT_API_PORT: String(ports.api),
    WEFT_XDS_PORT: String(ports.xds),
    WEFT_ADMIN_PASSWORD: creds.password,
    WEFT_ADMIN_TOKEN: creds.token,
  });
  await waitHttp("controller", `${controllerUrl}/healthz`);

  const consoleUrl = `http://127.0.0.1:${ports.web}`;
  step(`Starting the console (${consoleUrl})`);
  start("console", process.execPath, [join(root, "node_modules/next/dist/bin/next"), "start", "-H", "127.0.0.1", "-p", String(ports.web)], {
    WEFT_CONTROLLER_URL: controllerUrl,
    NEXT_TELEMETRY_DISABLED: "1",
  }, join(root, "apps/web"));
  await waitHttp("console", `${consoleUrl}/login`);

  let demoUrl;
  if (withDemo) {
    demoUrl = `http://127.0.0.1:${ports.demoBase}`;
    step(`Starting the demo services and their sidecars (storefront ${demoUrl})`);
    start("demo", process.execPath, ["--enable-source-maps", "examples/demo/dist/run.js"], {
      WEFT_CONTROLLER: `127.0.0.1:${ports.xds}`,
      WEFT_API_URL: controllerUrl,
      WEFT_API_TOKEN: creds.token,
      WEFT_DEMO_PORT_BASE: String(ports.demoBase),
      WEFT_DEMO_SIDECAR_PORT_BASE: String(ports.sidecarBase),
      WEFT_DEMO_LOG_DIR: join(dataDir, "logs"),
      WEFT_DEMO_STATE_DIR: join(dataDir, "sidecars"),
    });
    await waitHttp("demo", `${demoUrl}/healthz`, 90_000);
  }

  const line = "─".repeat(64);
  console.log(`\n${line}\n ${bold("Weft is up.")}\n`);
  console.log(`   Console     ${consoleUrl}`);
  console.log(`   Sign in     admin / ${creds.password}`);
  if (profile === "dev") console.log(`               (saved in ${join(dataDir, "credentials.json")})`);
  console.log(`   API         ${controllerUrl}/api/v1   (OpenAPI: ${controllerUrl}/api/openapi.json)`);
  if (profile === "dev") console.log(`   API token   Authorization: Bearer ${creds.token.slice(0, 12)}…  (full value in credentials.json)`);
  if (demoUrl) console.log(`   Demo shop   ${demoUrl}   (load generator running)`);
  console.log(`   Logs        ${join(dataDir, "logs")}`);
  console.log(`\n Press Ctrl-C to stop.\n${line}\n`);
  if (process.env.WEFT_STACK_READY_FILE) writeFileSync(process.env.WEFT_STACK_READY_FILE, JSON.stringify({ consoleUrl, controllerUrl, demoUrl, token: creds.token }));
} catch (err) {
  console.error(`\n${err.message}`);
  stop(1);
}
