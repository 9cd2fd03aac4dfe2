// How fast does a committed change reach connected proxies? Starts the real controller (fresh
// SQLite database), connects N simulated sidecars over real ADS streams (each subscribes to all four
// types and ACKs like a sidecar), then changes a split K times through the REST API and measures,
// for every proxy, the time from the API call to the RDS push carrying the change.
//   npx tsx bench/xds-push-latency.ts [proxies=50] [changes=20]
import { credentials, type ClientDuplexStream } from "@grpc/grpc-js";
import { pino } from "pino";
import { startController } from "@weft/controller";
import { jsonToStruct, TypeUrl } from "@weft/contracts/proto";
import { loadGrpcJsProtos } from "@weft/contracts/proto/grpc-js";
import { createTestDatabase } from "@weft/test-kit";

const PROXIES = Number(process.argv[2] ?? 50);
const CHANGES = Number(process.argv[3] ?? 20);
const TOKEN = "weft_bench_token_0123456789abcdefghij";
const protos = loadGrpcJsProtos();

interface Resp { version_info: string; nonce: string; type_url: string }

function proxy(address: string, i: number, onRds: (at: number) => void) {
  const client = new protos.ads(address, credentials.createInsecure()) as unknown as { StreamAggregatedResources(): ClientDuplexStream<object, Resp>; close(): void };
  const stream = client.StreamAggregatedResources();
  const meta = {
    service: `bench-${i}`, namespace: "bench", version: "v1", labels: {}, protocol: "http", servicePort: 80,
    inbound: { address: "127.0.0.1", port: 40000 + i }, outbound: { address: "127.0.0.1", port: 1 }, app: { address: "127.0.0.1", port: 1 },
    adminPort: 1, register: false, proxyVersion: "bench",
  };
  const node = { id: `bench-${i}`, cluster: meta.service, metadata: jsonToStruct({ weft: meta }) };
  const names: Record<string, string[]> = { [TypeUrl.Listener]: ["weft.inbound", "weft.outbound"], [TypeUrl.RouteConfiguration]: ["weft.outbound", "weft.inbound"], [TypeUrl.Cluster]: [], [TypeUrl.ClusterLoadAssignment]: ["reviews.bench|v1", "reviews.bench|v2"] };
  stream.on("data", (r: Resp) => {
    if (r.type_url === TypeUrl.RouteConfiguration) onRds(performance.now());
    stream.write({ node, type_url: r.type_url, resource_names: names[r.type_url], version_info: r.version_info, response_nonce: r.nonce });
  });
  stream.on("error", () => {});
  for (const t of Object.keys(names)) stream.write({ node, type_url: t, resource_names: names[t], version_info: "", response_nonce: "" });
  return () => { stream.cancel(); client.close(); };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

const db = await createTestDatabase();
const controller = await startController(
  { databaseUrl: db.url, api: { host: "127.0.0.1", port: 0 }, xds: { host: "127.0.0.1", port: 0 }, bootstrap: { username: "admin", password: "bench-password", token: TOKEN },
    sessions: { ttlMs: 3_600_000, cookieSecure: false }, endpointGraceMs: 60_000, logLevel: "silent" },
  { log: pino({ level: "silent" }) },
);
const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${controller.apiUrl}/api/v1${path}`, { method, headers: { authorization: `Bearer ${TOKEN}`, "content-type": "application/json" }, ...(body ? { body: JSON.stringify(body) } : {}) });
  if (!res.ok) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<any>;
};
const { service } = await api("POST", "/services", { name: "reviews", namespace: "bench", port: 80 });
for (const v of ["v1", "v2"]) await api("POST", `/services/${service.id}/versions`, { name: v });

let waiting: { since: number; got: Set<number>; done: () => void } | undefined;
const samples: number[] = [];
const apiTimes: number[] = [];
const closers = Array.from({ length: PROXIES }, (_, i) => proxy(controller.xdsAddress, i, (at) => {
  if (waiting && !waiting.got.has(i)) {
    waiting.got.add(i);
    samples.push(at - waiting.since);
    if (waiting.got.size === PROXIES) waiting.done();
  }
}));
await new Promise((r) => setTimeout(r, 1500)); // let every stream receive its initial config

for (let k = 0; k < CHANGES; k++) {
  const w = k % 2 === 0 ? 0 : 100;
  const since = performance.now();
  const all = new Promise<void>((done) => (waiting = { since, got: new Set(), done }));
  await api("PUT", `/services/${service.id}/split`, { backends: [{ version: "v1", weight: w }, { version: "v2", weight: 100 - w }] });
  apiTimes.push(performance.now() - since);
  await Promise.race([all, new Promise((_, rej) => setTimeout(() => rej(new Error(`change ${k}: not every proxy got it within 10 s`)), 10_000))]);
}

console.log(`\nxDS push latency — ${PROXIES} proxies × ${CHANGES} split changes (API call → RDS push received)\n`);
console.log("| measure | p50 | p90 | p99 | max |");
console.log("|---|---|---|---|---|");
const row = (name: string, xs: number[]) => console.log(`| ${name} | ${pct(xs, 50).toFixed(1)} ms | ${pct(xs, 90).toFixed(1)} ms | ${pct(xs, 99).toFixed(1)} ms | ${Math.max(...xs).toFixed(1)} ms |`);
row("API commit (PUT split)", apiTimes);
row("push received by each proxy", samples);
for (const c of closers) c();
await controller.close();
await db.drop();
