// The whole mesh in one test: the real controller (fresh database, its CA), the demo bookshop's
// apps, each behind a real Weft sidecar with a certificate from that CA (sidecar-to-sidecar traffic
// is mutual TLS), all on loopback. A split set through the API moves real requests
// from reviews v1 to v2 without failing any; the graph shows the traffic; the data plane keeps
// serving when the controller goes away.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { pino } from "pino";
import { ProxyAgent, request } from "undici";
import { startController, type Controller } from "@weft/controller";
import { createSidecar, type Sidecar } from "@weft/proxy";
import { loadConfig } from "@weft/proxy/env";
import { createTestDatabase, type TestDatabase } from "@weft/test-kit";
import { startDemoApp, type DemoApp } from "../src/demo-app";
import { seed } from "../src/seed";
import { SERVICES } from "../src/topology";

const TOKEN = "weft_mesh_test_token_0123456789abcdef";
let db: TestDatabase;
let controller: Controller | undefined;
const apps: DemoApp[] = [];
const sidecars: Sidecar[] = [];
const agents: ProxyAgent[] = [];
let shop: string;
const stateDir = mkdtempSync(join(tmpdir(), "weft-mesh-test-"));

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${controller!.apiUrl}/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

async function reviewsVersion(): Promise<{ status: number; version?: string; stars?: number }> {
  const res = await request(`${shop}/api/products/b3`);
  if (res.statusCode !== 200) {
    await res.body.dump();
    return { status: res.statusCode };
  }
  const body = (await res.body.json()) as { reviews: { version: string; reviews: Array<{ stars?: number }> } };
  return { status: 200, version: body.reviews.version, ...(body.reviews.reviews[0]?.stars !== undefined ? { stars: body.reviews.reviews[0].stars } : {}) };
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  db = await createTestDatabase();
  controller = await startController(
    {
      databaseUrl: db.url,
      api: { host: "127.0.0.1", port: 0 },
      xds: { host: "127.0.0.1", port: 0 },
      bootstrap: { username: "admin", password: "mesh-test-password", token: TOKEN },
      sessions: { ttlMs: 3_600_000, cookieSecure: false },
      endpointGraceMs: 60_000,
      logLevel: "silent",
    },
    { log: pino({ level: "silent" }) },
  );
  const joinTokens = await seed(controller.apiUrl, TOKEN);

  for (const s of SERVICES) {
    for (const version of s.versions) {
      const app = await startDemoApp({ service: s.name, version, port: 0 });
      apps.push(app);
      const sidecar = await createSidecar(
        loadConfig({
          WEFT_SERVICE: s.name,
          WEFT_VERSION: version,
          WEFT_APP_PORT: String(app.port),
          WEFT_SERVICE_PORT: "80",
          WEFT_INBOUND_PORT: "0",
          WEFT_OUTBOUND_PORT: "0",
          WEFT_ADMIN_PORT: "0",
          WEFT_CONTROLLER: controller.xdsAddress,
          WEFT_NODE_ID: `${s.name}-${version}-test`,
          WEFT_LOG_LEVEL: "silent",
          WEFT_JOIN_TOKEN: joinTokens.get(s.name)!,
          WEFT_STATE_DIR: join(stateDir, `${s.name}-${version}`),
          // The controller leaves mid-suite: unsampled, no span waits on an export that cannot land.
          WEFT_TRACE_SAMPLING: "0",
        }),
      );
      sidecars.push(sidecar);
      const agent = new ProxyAgent(`http://127.0.0.1:${sidecar.ports.outbound}`);
      agents.push(agent);
      app.useDispatcher(agent);
      if (s.name === "storefront") shop = `http://127.0.0.1:${sidecar.ports.inbound}`;
    }
  }
  await waitFor("the shop to answer through its sidecar", async () => (await reviewsVersion()).version === "v1", 20_000);
});

afterAll(async () => {
  for (const s of sidecars) await s.close();
  for (const a of agents) await a.close();
  for (const a of apps) await a.close();
  await controller?.close();
  await db?.drop();
  rmSync(stateDir, { recursive: true, force: true });
});

it("moves real requests from reviews v1 to v2 when the split changes, failing none", async () => {
  for (let i = 0; i < 20; i++) expect(await reviewsVersion()).toEqual({ status: 200, version: "v1" });

  // Steady load across the change: every request must succeed.
  let stop = false;
  const seen: Array<{ status: number; version?: string }> = [];
  const load = (async () => {
    while (!stop && seen.length < 2000) seen.push(await reviewsVersion());
  })();

  const reviews = (await api<Array<{ id: string; name: string }>>("GET", "/services")).find((s) => s.name === "reviews")!;
  await api("PUT", `/services/${reviews.id}/split`, { backends: [{ version: "v1", weight: 0 }, { version: "v2", weight: 100 }] });
  await waitFor("v2 to serve", async () => seen.at(-1)?.version === "v2", 2000);
  const afterSwitch = seen.length;
  await waitFor("50 more requests", async () => seen.length >= afterSwitch + 50, 10_000);
  stop = true;
  await load;

  expect(seen.filter((r) => r.status !== 200)).toEqual([]);
  expect(seen.slice(afterSwitch).every((r) => r.version === "v2")).toBe(true);
  // v2 asks ratings for stars: the shop now shows them.
  expect(await reviewsVersion()).toEqual({ status: 200, version: "v2", stars: 5 });
});

it("shows the traffic in the service graph and every sidecar up to date", async () => {
  const graph = await waitFor(
    "edges storefront -> reviews v2 and external -> storefront",
    async () => {
      await reviewsVersion();
      const g = await api<{ edges: Array<{ source: string; target: string; targetVersion: string; requestsPerSecond: number }> }>("GET", "/graph?windowSeconds=10");
      const has = (source: string, target: string, version: string) => g.edges.some((e) => e.source === source && e.target === target && e.targetVersion === version && e.requestsPerSecond > 0);
      return has("storefront.default", "reviews.default", "v2") && has("reviews.default", "ratings.default", "v1") && has("external", "storefront.default", "v1") && g;
    },
    15_000,
  );
  expect(graph.edges.some((e) => e.source === "storefront.default" && e.target === "catalog.default")).toBe(true);
  const proxies = await api<Array<{ nodeId: string; upToDate: boolean }>>("GET", "/proxies");
  expect(proxies.map((p) => [p.nodeId, p.upToDate]).sort()).toEqual(
    ["catalog-v1-test", "ratings-v1-test", "reviews-v1-test", "reviews-v2-test", "storefront-v1-test"].map((n) => [n, true]),
  );
});

it("answers the switched-off gift-card route with the catalog route's fault (503), and the shop says so", async () => {
  const res = await request(`${shop}/api/gift-cards`);
  expect(res.statusCode).toBe(503);
  const body = (await res.body.json()) as { error: string; detail: string };
  expect(body.error).toBe("gift cards are unavailable right now");
  expect(body.detail).toContain("503");
});

it("runs every sidecar with a SPIFFE identity from the controller's CA, and STRICT services refuse plaintext", async () => {
  for (const sidecar of sidecars) {
    const ready = (await (await request(`http://127.0.0.1:${sidecar.ports.admin}/ready`)).body.json()) as { ready: boolean; identity?: string };
    expect(ready).toMatchObject({ ready: true, identity: `spiffe://weft.local/ns/default/sa/${sidecar.metadata.service}` });
  }
  // reviews is STRICT (the default): a caller outside the mesh, without a certificate, gets nowhere.
  const reviews = sidecars.find((s) => s.metadata.service === "reviews")!;
  await expect(request(`http://127.0.0.1:${reviews.ports.inbound}/reviews/b1`)).rejects.toThrow();
  // The storefront is PERMISSIVE (the shop's public entry): plaintext is welcome there.
  expect((await reviewsVersion()).status).toBe(200);
});

it("keeps serving with the last good config when the controller goes away", async () => {
  await controller!.close();
  controller = undefined;
  for (let i = 0; i < 20; i++) expect(await reviewsVersion()).toEqual({ status: 200, version: "v2", stars: 5 });
});
