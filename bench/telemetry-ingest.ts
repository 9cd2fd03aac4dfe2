// How much sidecar telemetry can one controller ingest? Starts the real controller as its own
// process (fresh SQLite database, built-in store), opens one real gRPC report stream per simulated
// proxy, and for each scenario (proxies x series per report) sends reports as fast as the
// controller acknowledges them (at most 4 unacknowledged per stream, as a sidecar allows) for a
// fixed time. Prints reports/s, series/s, the controller's CPU and RSS, and the store's size;
// then the heap cost of one stored record (the figure behind WEFT_TELEMETRY_MEMORY_MB) and what the
// write-behind and a restart cost on SQLite.
//   node --expose-gc --import tsx bench/telemetry-ingest.ts [seconds-per-scenario=5]
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { credentials, makeGenericClientConstructor, type ClientDuplexStream } from "@grpc/grpc-js";
import { LATENCY_BUCKETS_MS } from "@weft/contracts";
import { loadGrpcJsProtos } from "@weft/contracts/proto/grpc-js";
import { createTestDatabase, repoRoot } from "@weft/test-kit";
import { createTelemetryStore } from "../apps/controller/src/services/telemetry/store";
import { createPrismaTelemetryRepository } from "../apps/controller/src/storage/prisma/telemetry-repository";
import { DEFAULT_TELEMETRY_CONFIG } from "../apps/controller/src/services/telemetry-service";
import { createWriteBehind } from "../apps/controller/src/services/telemetry/write-behind";

const SECONDS = Number(process.argv[2] ?? 5);
const SCENARIOS: Array<[proxies: number, series: number]> = [
  [10, 10],
  [100, 10],
  [100, 50],
  [300, 20],
];
const MAX_UNACKED = 4;
const MAX_REPORTS_PER_SCENARIO = 200_000;
const TOKEN = "weft_bench_token_0123456789abcdefghij";
const protos = loadGrpcJsProtos();

// ---- the controller, as its own process --------------------------------------------------------

const db = await createTestDatabase();
const controller = spawn(process.execPath, ["--import", "tsx", "apps/controller/src/main.ts"], {
  cwd: repoRoot(),
  env: {
    ...process.env,
    DATABASE_URL: db.url,
    WEFT_API_PORT: "0",
    WEFT_XDS_PORT: "0",
    WEFT_ADMIN_PASSWORD: "bench-password",
    WEFT_ADMIN_TOKEN: TOKEN,
    WEFT_LOG_LEVEL: "info",
    WEFT_TELEMETRY_MAX_SERIES: "10000",
    WEFT_TELEMETRY_MEMORY_MB: "512",
  },
  stdio: ["ignore", "pipe", "inherit"],
});
const addresses = await new Promise<{ xds: string; api: string }>((resolve, reject) => {
  let buffer = "";
  controller.stdout!.on("data", (d: Buffer) => {
    buffer += d.toString();
    for (const line of buffer.split("\n")) {
      if (!line.includes('"controller listening"')) continue;
      const { xds, api } = JSON.parse(line) as { xds: string; api: string };
      resolve({ xds, api });
    }
    buffer = buffer.slice(buffer.lastIndexOf("\n") + 1);
  });
  controller.once("exit", (code) => reject(new Error(`controller exited (${code})`)));
});

/** CPU seconds (user + system) and RSS bytes of the controller process, from /proc. */
function usage(): { cpu: number; rss: number } {
  const stat = readFileSync(`/proc/${controller.pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime
  const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${controller.pid}/status`, "utf8"))![1]) * 1024;
  return { cpu: ticks / 100, rss };
}

async function metric(name: string, labels = ""): Promise<number> {
  const text = await (await fetch(`${addresses.api}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const line = text.split("\n").find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : NaN;
}

// ---- simulated proxies -------------------------------------------------------------------------

function edges(proxy: number, series: number) {
  const buckets = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  buckets[3] = 40;
  buckets[5] = 2;
  return Array.from({ length: series }, (_, i) => ({
    direction: "outbound",
    source_service: `svc-${proxy}`,
    source_namespace: "bench",
    source_version: "v1",
    destination_service: `dest-${i % 25}`,
    destination_namespace: "bench",
    destination_version: `v${i % 3}`,
    route: `route-${Math.floor(i / 25)}`,
    status_class: "2xx",
    requests: 42,
    failures: 0,
    duration_sum_ms: 500,
    duration_buckets: buckets,
    request_bytes: 4200,
    response_bytes: 42000,
    reason: "",
    grpc_status: "",
  }));
}

// Reports are encoded once per proxy and written as bytes, so the load generator (sharing the
// machine's cores) spends its CPU on sending, not on protobuf encoding.
const ReportType = protos.root.lookupType("weft.telemetry.v1.TelemetryReport");
const RawTelemetry = makeGenericClientConstructor(
  {
    Report: {
      path: "/weft.telemetry.v1.TelemetryService/Report",
      requestStream: true,
      responseStream: true,
      requestSerialize: (b: Buffer) => b,
      requestDeserialize: (b: Buffer) => b,
      responseSerialize: (b: Buffer) => b,
      responseDeserialize: (b: Buffer) => b,
    },
  },
  "TelemetryService",
);

async function scenario(proxies: number, series: number) {
  const deadline = performance.now() + SECONDS * 1000;
  let acked = 0;
  const streams = Array.from({ length: proxies }, (_, p) => {
    const client = new RawTelemetry(addresses.xds, credentials.createInsecure()) as unknown as { Report(): ClientDuplexStream<Buffer, Buffer>; close(): void };
    const stream = client.Report();
    const message = { node_id: `bench-${proxies}-${p}`, service: `svc-${p}`, namespace: "bench", version: "v1", window_start_ms: Date.now() - 1000, window_ms: 1000, edges: edges(p, series) };
    const report = Buffer.from(ReportType.encode(ReportType.fromObject(message)).finish());
    let inFlight = 0;
    const done = new Promise<void>((resolve) => {
      const pump = () => {
        while (inFlight < MAX_UNACKED && performance.now() < deadline && acked < MAX_REPORTS_PER_SCENARIO) {
          inFlight++;
          stream.write(report);
        }
        if (inFlight === 0) resolve();
      };
      stream.on("data", () => {
        inFlight--;
        acked++;
        pump();
      });
      stream.on("error", () => resolve());
      pump();
    });
    return { done, close: () => (stream.end(), client.close()) };
  });
  const before = usage();
  const started = performance.now();
  await Promise.all(streams.map((s) => s.done));
  const seconds = (performance.now() - started) / 1000;
  const after = usage();
  for (const s of streams) s.close();
  return {
    proxies,
    series,
    reportsPerSecond: acked / seconds,
    seriesPerSecond: (acked * series) / seconds,
    cpu: (after.cpu - before.cpu) / seconds,
    rss: after.rss,
    storeSeries: await metric("weft_telemetry_store_series"),
    storeBytes: await metric("weft_telemetry_store_bytes"),
  };
}

const fmt = (n: number) => Math.round(n).toLocaleString("en-US");
console.log(`\nTelemetry ingest — real controller process, real gRPC report streams, ${SECONDS} s per scenario, ≤ ${MAX_UNACKED} reports in flight per stream\n`);
console.log("| proxies | series/report | reports/s | series/s | controller CPU | controller RSS | store series | store (approx.) |");
console.log("|---|---|---|---|---|---|---|---|");
try {
  for (const [proxies, series] of SCENARIOS) {
    const r = await scenario(proxies, series);
    console.log(
      `| ${r.proxies} | ${r.series} | ${fmt(r.reportsPerSecond)} | ${fmt(r.seriesPerSecond)} | ${(r.cpu * 100).toFixed(0)} % of a core | ${(r.rss / 1048576).toFixed(0)} MB | ${fmt(r.storeSeries)} | ${(r.storeBytes / 1048576).toFixed(1)} MB |`,
    );
  }
} finally {
  controller.kill("SIGTERM");
  await new Promise((resolve) => controller.once("exit", resolve));
  await db.drop();
}

// ---- memory per stored record ------------------------------------------------------------------

const gc = (globalThis as { gc?: () => void }).gc;
const RECORDS = 300_000;
const SERIES = 1000;
const used = () => {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers; // typed arrays live outside the JS heap
};
const heapBefore = used();
const store = createTelemetryStore({ maxSeries: SERIES, maxSecondRecords: RECORDS, maxMinuteRecords: RECORDS }, 1_800_000_000);
const latency = new Array(LATENCY_BUCKETS_MS.length + 1).fill(1);
for (let i = 0; i < RECORDS; i++) {
  const s = i % SERIES;
  store.add(1_800_000_000 + Math.floor(i / SERIES), { direction: "outbound", source: `svc-${s % 40}.bench`, target: `dest-${s % 25}.bench`, targetVersion: "v1", route: `r${s}` }, { requests: 1, failures: 0, durationSumMs: 1, requestBytes: 1, responseBytes: 1, latency, reason: -1 });
}
store.tick(1_800_000_000 + RECORDS / SERIES + 65); // rolls the complete minutes up: buckets are compacted
const heapAfter = used();
const sizes = store.sizes();
const records = sizes.secondRecords + sizes.minuteRecords;
console.log(`\nStore memory: ${fmt(records)} records (${fmt(sizes.secondRecords)} 1 s + ${fmt(sizes.minuteRecords)} 1 m) of ${SERIES} series took ${((heapAfter - heapBefore) / 1048576).toFixed(1)} MB (heap + array buffers): ${fmt((heapAfter - heapBefore) / records)} bytes per record (store's own estimate: ${fmt(sizes.approxBytes / records)})${gc ? "" : " — run with --expose-gc for a clean figure"}\n`);

// ---- write-behind and restart cost (SQLite) -----------------------------------------------------

const limits = DEFAULT_TELEMETRY_CONFIG.limits;
console.log(`| series | one write-behind (5 s + 1 min of them) | restart with 15 min of seconds + 1 h of minutes stored (default caps: ${fmt(limits.maxSecondRecords)} + ${fmt(limits.maxMinuteRecords)} records) |`);
console.log("|---|---|---|");
for (const series of [100, 1000, 2500]) {
  const wdb = await createTestDatabase();
  try {
    const repo = createPrismaTelemetryRepository(wdb.db);
    const T = 1_800_000_000;
    const bucket = (start: number) => ({
      bucket: start,
      records: Array.from({ length: series }, (_, i) => ({
        key: { direction: "outbound" as const, source: `svc-${i % 40}.bench`, target: `dest-${i % 25}.bench`, targetVersion: "v1", route: `r${i}` },
        values: Float64Array.from({ length: 19 }, (_, j) => j),
        reasons: [] as Array<[number, number]>,
      })),
    });
    // Fill what a restart reads: 15 minutes of seconds and an hour of minutes.
    for (let s = 0; s < 900; s += 60) await repo.write("bench", { seconds: Array.from({ length: 60 }, (_, i) => bucket(T + s + i)), minutes: [], secondFloor: 0, minuteFloor: 0 });
    for (let m = 0; m < 60; m += 10) await repo.write("bench", { seconds: [], minutes: Array.from({ length: 10 }, (_, i) => bucket(T - 3600 + (m + i) * 60)), secondFloor: 0, minuteFloor: 0 });
    const flush = { seconds: Array.from({ length: 5 }, (_, i) => bucket(T + 900 + i)), minutes: [bucket(T + 840)], secondFloor: 0, minuteFloor: 0 };
    const w0 = performance.now();
    await repo.write("bench", flush);
    const w1 = performance.now();
    const restored = createTelemetryStore(limits, T + 906);
    await createWriteBehind({ store: restored, repository: repo, replica: "bench" }).restore(T + 906, limits);
    const w2 = performance.now();
    const r = restored.sizes();
    console.log(`| ${fmt(series)} | ${fmt(w1 - w0)} ms | ${fmt(w2 - w1)} ms to restore ${fmt(r.secondRecords)} + ${fmt(r.minuteRecords)} records |`);
  } finally {
    await wdb.drop();
  }
}
console.log("");
