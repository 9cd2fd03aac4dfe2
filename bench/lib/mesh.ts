// The Weft parts, as users run them: the built controller (apps/controller/dist) on a fresh SQLite
// database, configured through its REST API, and built sidecars (apps/proxy/dist) configured over
// real xDS with certificates from the controller's CA (join tokens).
//   bench-client  the caller's sidecar: its outbound listener is where the load goes
//   upstream-direct.bench  an API-registered endpoint = the upstream nginx, reached in plaintext (one hop)
//   upstream-mesh.bench    served by a second sidecar in front of the same nginx: client → sidecar
//                          → (mTLS, HTTP/2) → sidecar → nginx
import { randomBytes } from "node:crypto";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { createTestDatabase, type TestDatabase } from "@weft/test-kit";
import { BODY_BYTES, BODY_PATH } from "./nginx";
import { probe } from "./probe";
import { freePort, waitUntil, type Managed, type ProcessGroup } from "./processes";

export const NAMESPACE = "bench";
export const DIRECT_SERVICE = "upstream-direct";
export const MESH_SERVICE = "upstream-mesh";

export interface Mesh {
  controller: Managed;
  /** The caller's sidecar; its outbound port takes the load. */
  client: Managed & { outboundPort: number; adminPort: number };
  /** The callee's sidecar (mTLS path only). */
  server: Managed & { inboundPort: number; adminPort: number };
  /** A second caller's sidecar with every request traced and access-logged (telemetry cost), if asked for. */
  traced: (Managed & { outboundPort: number; adminPort: number }) | undefined;
  close(): Promise<void>;
}

export interface MeshOptions {
  group: ProcessGroup;
  root: string;
  repoRoot: string;
  upstreamPort: number;
  proxyCpu: number;
  infraCpu: number;
  /** Extra node flags for both sidecars (e.g. --cpu-prof). */
  sidecarNodeArgs?: string[];
  /** Also start the traced caller (100 % trace sampling exported over OTLP, JSON access log of every request). */
  traced?: boolean;
}

async function api<T>(base: string, token: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`controller API ${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** Resolves when a request through the client's outbound port to `service` returns the 1 KiB body. */
export async function waitForPath(port: number, service: string, group: ProcessGroup): Promise<void> {
  await waitUntil(`a 1 KiB answer from ${service} through the sidecar(s)`, 30_000, async () => {
    const res = await probe(port, BODY_PATH, service);
    return res.status === 200 && res.bytes === BODY_BYTES;
  }, group);
}

export async function startMesh(o: MeshOptions): Promise<Mesh> {
  let db: TestDatabase | undefined = await createTestDatabase();
  // The benchmark only needs the migrated file; the controller process opens it itself.
  await db.db.$disconnect();
  const token = `weft_bench_${randomBytes(18).toString("base64url")}`;
  const [apiPort, xdsPort] = [await freePort(), await freePort()];
  const base = `http://127.0.0.1:${apiPort}`;
  const node = process.execPath;

  const controller = o.group.start("controller", node, [join(o.repoRoot, "apps/controller/dist/main.js")], {
    cpu: o.infraCpu,
    cwd: o.root,
    env: {
      DATABASE_URL: db.url,
      WEFT_API_PORT: String(apiPort),
      WEFT_XDS_PORT: String(xdsPort),
      WEFT_ADMIN_PASSWORD: randomBytes(12).toString("base64url"),
      WEFT_ADMIN_TOKEN: token,
      WEFT_LOG_LEVEL: "info",
    },
  });
  await waitUntil("the controller's /healthz", 60_000, async () => (await fetch(`${base}/healthz`, { signal: AbortSignal.timeout(1000) })).ok, o.group);

  // upstream-direct: an endpoint registered through the API (no sidecar there), reached in plaintext.
  const direct = await api<{ service: { id: string } }>(base, token, "POST", "/services", { name: DIRECT_SERVICE, namespace: NAMESPACE, port: 80 });
  await api(base, token, "POST", `/services/${direct.service.id}/versions`, { name: "v1" });
  await api(base, token, "POST", `/services/${direct.service.id}/endpoints`, { version: "v1", address: "127.0.0.1", port: o.upstreamPort });
  // upstream-mesh: its sidecar registers itself; STRICT mTLS (the default).
  const mesh = await api<{ service: { id: string } }>(base, token, "POST", "/services", { name: MESH_SERVICE, namespace: NAMESPACE, port: 80 });
  await api(base, token, "POST", `/services/${mesh.service.id}/versions`, { name: "v1" });
  const joinToken = async (service: string) =>
    (await api<{ token: string }>(base, token, "POST", "/workload-tokens", { service, namespace: NAMESPACE, ttlHours: 1 })).token;

  const sidecar = async (name: string, service: string, register: boolean, nodeArgs: string[], extraEnv: Record<string, string> = {}) => {
    const ports = { inbound: await freePort(), outbound: await freePort(), admin: await freePort() };
    const stateDir = join(o.root, "sidecars", name);
    mkdirSync(stateDir, { recursive: true, mode: 0o700 });
    // The launcher users run (apps/proxy/bin/weft-proxy): node, the bundle and its process settings.
    const m = o.group.start(name, join(o.repoRoot, "apps/proxy/bin/weft-proxy"), nodeArgs, {
      cpu: o.proxyCpu,
      cwd: o.root,
      env: {
        NODE: node,
        WEFT_SERVICE: service,
        WEFT_NAMESPACE: NAMESPACE,
        WEFT_VERSION: "v1",
        WEFT_APP_PORT: String(o.upstreamPort),
        WEFT_SERVICE_PORT: "80",
        WEFT_INBOUND_PORT: String(ports.inbound),
        WEFT_OUTBOUND_PORT: String(ports.outbound),
        WEFT_ADMIN_PORT: String(ports.admin),
        WEFT_CONTROLLER: `127.0.0.1:${xdsPort}`,
        WEFT_NODE_ID: `${name}-bench`,
        WEFT_REGISTER: String(register),
        WEFT_JOIN_TOKEN: await joinToken(service),
        WEFT_STATE_DIR: stateDir,
        WEFT_LOG_LEVEL: "info",
        ...extraEnv,
      },
    });
    await waitUntil(`${name}'s /ready`, 30_000, async () => (await fetch(`http://127.0.0.1:${ports.admin}/ready`, { signal: AbortSignal.timeout(1000) })).ok, o.group);
    return { ...m, outboundPort: ports.outbound, inboundPort: ports.inbound, adminPort: ports.admin };
  };
  const server = await sidecar("sidecar-server", MESH_SERVICE, true, o.sidecarNodeArgs ?? []);
  const client = await sidecar("sidecar-client", "bench-client", false, o.sidecarNodeArgs ?? []);
  await waitForPath(client.outboundPort, DIRECT_SERVICE, o.group);
  await waitForPath(client.outboundPort, MESH_SERVICE, o.group);
  // Telemetry at its most expensive: every request a sampled span (exported to the controller over
  // OTLP, like the default) and a JSON access-log line appended to a file.
  const traced = o.traced
    ? await sidecar("sidecar-client-traced", "bench-client", false, o.sidecarNodeArgs ?? [], {
        WEFT_TRACE_SAMPLING: "1",
        WEFT_ACCESS_LOG: join(o.root, "access.log"),
        WEFT_ACCESS_LOG_SAMPLING: "1",
      })
    : undefined;
  if (traced) await waitForPath(traced.outboundPort, DIRECT_SERVICE, o.group);

  return {
    controller,
    client,
    server,
    traced,
    async close() {
      await db?.drop().catch(() => {});
      db = undefined;
    },
  };
}
