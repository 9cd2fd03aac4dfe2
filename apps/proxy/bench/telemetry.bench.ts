// Per-request cost of the sidecar's telemetry, without sockets: the trace layer's work for
// unsampled and sampled requests (span start + end + batch queue, then the same including OTLP/gRPC
// export to a receiver on loopback), the request-event pipeline (classify, EdgeStats, failure
// samples), and one access log line. Synchronous steps are timed (ns/request); steps that finish
// asynchronously (OTLP export, file writes) are measured as process CPU time (all threads) per
// request, the collector being a bare gRPC server in this process that does not decode. Prints a
// table; asserts nothing.
// Run: npx tsx bench/telemetry.bench.ts [requests=100000]
import type { IncomingMessage } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as grpc from "@grpc/grpc-js";
import { RequestContext } from "../src/core/request-context";
import { EMPTY_SNAPSHOT } from "../src/core/runtime-config";
import { createProxyEvents } from "../src/core/events";
import { systemClock } from "../src/core/clock";
import { createTracing } from "../src/tracing/tracing";
import { createEdgeStats } from "../src/telemetry/edge-stats";
import { createTcpStats } from "../src/telemetry/tcp-stats";
import { createFailureSamples } from "../src/telemetry/failure-samples";
import { subscribeRequestTelemetry } from "../src/telemetry/request-telemetry";
import { createAccessLog } from "../src/telemetry/access-log";

const N = Number(process.argv[2] ?? 100_000);
const SELF = { service: "productpage", namespace: "default", version: "v1" };
const DEST = { service: "reviews", namespace: "default", version: "v2" };
const INCOMING_UNSAMPLED = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00";

/** A fresh context as the exchange makes one per request (part of every row, measured alone first). */
function context(headers: Record<string, string>): RequestContext {
  const ctx = new RequestContext("outbound", EMPTY_SNAPSHOT, {} as IncomingMessage, "GET", "reviews", "/books/1", headers, false, SELF, DEST, performance.now());
  ctx.status = 200;
  ctx.route = { name: "default" } as never;
  ctx.endpoint = { key: "127.0.0.1:9080" } as never;
  ctx.attempts = 1;
  ctx.responseBytes = 512;
  return ctx;
}

async function time(name: string, fn: (i: number) => void, after?: () => Promise<void>): Promise<[string, number]> {
  for (let i = 0; i < Math.min(N, 20_000); i++) fn(i); // warm up
  await after?.();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  await after?.();
  return [name, Number(process.hrtime.bigint() - t0) / N];
}

/** An OTLP/gRPC endpoint that accepts every export without decoding it (its cost is not the sidecar's). */
async function startBareCollector(): Promise<{ port: number; close(): void }> {
  const server = new grpc.Server();
  const identity = (b: Buffer) => b;
  server.addService(
    { Export: { path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export", requestStream: false, responseStream: false, requestSerialize: identity, requestDeserialize: identity, responseSerialize: identity, responseDeserialize: identity } },
    { Export: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback(null, Buffer.alloc(0)) },
  );
  const port = await new Promise<number>((resolve, reject) => server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))));
  return { port, close: () => server.forceShutdown() };
}

/** Process CPU (user + system, every thread) per iteration of an asynchronous loop, in ns. */
async function cpu(name: string, loop: () => Promise<void>): Promise<[string, number]> {
  const before = process.cpuUsage();
  await loop();
  const used = process.cpuUsage(before);
  return [name, ((used.user + used.system) * 1000) / N];
}

const receiver = await startBareCollector();
const endpoints = [{ protocol: "grpc" as const, url: `http://127.0.0.1:${receiver.port}` }];
const unsampled = createTracing({ self: SELF, nodeId: "bench", sampling: 0, endpoints, random: Math.random });
// Queue large enough for the whole burst and never flushed: the cost of recording alone.
const sampled = createTracing({ self: SELF, nodeId: "bench", sampling: 1, endpoints, random: Math.random, export: { maxQueueSize: N + 20_000, scheduledDelayMs: 600_000 } });
// The production queue (2,048), flushed every 1,000 spans: recording plus OTLP serialisation and sending.
const exporting = createTracing({ self: SELF, nodeId: "bench", sampling: 1, endpoints, random: Math.random });

const events = createProxyEvents();
const edges = createEdgeStats();
subscribeRequestTelemetry({ events, clock: systemClock, edges, tcp: createTcpStats({ self: SELF, config: { current: EMPTY_SNAPSHOT } }), failures: createFailureSamples() });
const dir = mkdtempSync(join(tmpdir(), "weft-bench-"));
const accessLog = await createAccessLog({ target: join(dir, "access.jsonl"), sampling: 1, random: Math.random, now: Date.now, maxBufferBytes: 64 * 1024 * 1024 });
const failed = context({});
failed.status = 503;

const rows: Array<[string, number]> = [];
rows.push(await time("baseline: new RequestContext + headers", () => void context({})));
rows.push(await time("trace: unsampled, new trace (ids + traceparent 00)", () => unsampled.begin(context({}))));
rows.push(await time("trace: unsampled, caller's traceparent passed on", () => unsampled.begin(context({ traceparent: INCOMING_UNSAMPLED }))));
rows.push(await time("request event: classify + EdgeStats (success)", () => events.emit("request", context({}))));
rows.push(await time("request event: classify + EdgeStats + failure sample (503)", () => events.emit("request", failed)));
rows.push(
  await cpu("access log: one line, written to a file (CPU)", async () => {
    for (let i = 0; i < N; i++) {
      accessLog.write(failed, "upstream_5xx", "");
      if (i % 1_000 === 999) await accessLog.flush();
    }
    await accessLog.flush();
  }),
);
rows.push(
  await cpu("trace: sampled, incl. OTLP/gRPC export (CPU)", async () => {
    for (let i = 0; i < N; i++) {
      const ctx = context({});
      exporting.begin(ctx);
      ctx.durationMs = 1;
      exporting.end(ctx, "", -1);
      if (i % 1_000 === 999) await exporting.flush();
    }
    await exporting.flush();
  }),
);
// Last: it leaves ~N spans queued in memory, which would slow every later row's GC.
rows.push(
  await time("trace: sampled, span start + end + queue", () => {
    const ctx = context({});
    sampled.begin(ctx);
    ctx.durationMs = 1;
    sampled.end(ctx, "", -1);
  }),
);
await accessLog.close();
const exported = exporting.counters.exported;

const base = rows[0]![1];
console.log(`| step | ns/request | minus baseline |\n|---|---|---|`);
for (const [name, ns] of rows) {
  const ownContext = !name.startsWith("baseline") && !name.startsWith("access") && !name.startsWith("request event: classify + EdgeStats + failure");
  console.log(`| ${name} | ${ns.toFixed(0)} | ${ownContext ? (ns - base).toFixed(0) : ""} |`);
}
console.log(`\nN=${N}, node ${process.version}; spans exported in the export row: ${exported} (dropped ${exporting.counters.dropped}); access log lines dropped: ${accessLog.counters.dropped}`);

// The recording-only instance holds ~N spans; its final flush may exceed the exporter's concurrency: not measured.
await Promise.all([unsampled.shutdown(), sampled.shutdown().catch(() => undefined), exporting.shutdown()]);
receiver.close();
rmSync(dir, { recursive: true, force: true });
