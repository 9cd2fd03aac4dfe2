// Starts a sidecar for integration tests: every port 0, silent logs, controller = the test ADS
// server, and an optional fake clock / deterministic random. Closing is the test's job (afterEach).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { request, type Dispatcher } from "undici";
import type { Logger } from "pino";
import { createFakeClock, type AdsTestServer, type FakeClock } from "@weft/test-kit";
import { TypeUrl } from "@weft/contracts/proto";
import { loadConfig } from "../../src/env";
import { createSidecar, type Sidecar } from "../../src/sidecar";
import type { MeshVersions } from "./xds-fixtures";
import type { ProxyEventMap } from "../../src/core/events";

export interface TestSidecar extends Sidecar {
  clock: FakeClock;
  outboundUrl: string;
  inboundUrl: string;
  adminUrl: string;
}

export async function startTestSidecar(opts: {
  controller: string;
  appPort: number;
  service?: string;
  version?: string;
  random?: () => number;
  env?: Record<string, string>;
  /** Fake clock to use (e.g. one started at the real time, for certificates node:tls checks). */
  clock?: FakeClock;
  /** A logger to capture the sidecar's log lines (default: silent). */
  logger?: Logger;
}): Promise<TestSidecar> {
  const clock = opts.clock ?? createFakeClock();
  // A private state directory (last good config, certificate) unless the test names one; removed on close.
  const ownStateDir = opts.env?.WEFT_STATE_DIR === undefined ? mkdtempSync(join(tmpdir(), "weft-sidecar-")) : undefined;
  const config = loadConfig({
    WEFT_SERVICE: opts.service ?? "productpage",
    WEFT_VERSION: opts.version ?? "v1",
    WEFT_APP_PORT: String(opts.appPort),
    WEFT_INBOUND_PORT: "0",
    WEFT_OUTBOUND_PORT: "0",
    WEFT_ADMIN_PORT: "0",
    WEFT_CONTROLLER: opts.controller,
    WEFT_NODE_ID: `test-${opts.service ?? "productpage"}`,
    WEFT_LOG_LEVEL: "silent",
    // No spans unless a test asks (a sampled request would also export to the test ADS server).
    WEFT_TRACE_SAMPLING: "0",
    ...(ownStateDir ? { WEFT_STATE_DIR: ownStateDir } : {}),
    ...opts.env,
  });
  const sidecar = await createSidecar(config, {
    clock,
    ...(opts.random ? { random: opts.random } : {}),
    ...(opts.logger ? { logger: opts.logger } : {}),
    backoff: { baseMs: 1000, maxMs: 8000 },
  }).catch((err: unknown) => {
    if (ownStateDir) rmSync(ownStateDir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...sidecar,
    async close(options) {
      await sidecar.close(options);
      if (ownStateDir) rmSync(ownStateDir, { recursive: true, force: true });
    },
    clock,
    outboundUrl: `http://127.0.0.1:${sidecar.ports.outbound}`,
    inboundUrl: `http://127.0.0.1:${sidecar.ports.inbound}`,
    adminUrl: `http://127.0.0.1:${sidecar.ports.admin}`,
  };
}

/** Waits until the sidecar ACKed every type of the versions just set. */
export async function waitForMesh(ads: AdsTestServer, versions: MeshVersions): Promise<void> {
  await ads.waitForAck(TypeUrl.Cluster, versions.cds);
  if (versions.eds !== undefined) await ads.waitForAck(TypeUrl.ClusterLoadAssignment, versions.eds);
  await ads.waitForAck(TypeUrl.Listener, versions.lds);
  await ads.waitForAck(TypeUrl.RouteConfiguration, versions.rds);
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): any;
}

/** One request, body read fully; `dispatcher` lets a test go through a proxy agent. */
export async function send(
  url: string,
  init: { method?: Dispatcher.HttpMethod; headers?: Record<string, string>; body?: string | Buffer; dispatcher?: Dispatcher } = {},
): Promise<Reply> {
  const res = await request(url, { method: init.method ?? "GET", headers: init.headers, body: init.body, dispatcher: init.dispatcher });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text, json: () => JSON.parse(text) };
}

/** Resolves with the next payload of `event` (no polling, no sleeping). */
export function nextEvent<K extends keyof ProxyEventMap>(sidecar: Sidecar, event: K): Promise<ProxyEventMap[K]> {
  return new Promise((resolve) => {
    const off = sidecar.events.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}
