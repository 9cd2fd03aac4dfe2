// Cost per request of recording request metrics: prom-client (counter + histogram + 2 byte
// counters, 9 labels) versus the sidecar's EdgeStats (one Map lookup, also feeding the report
// stream). Prints a table; asserts nothing. Run: npx tsx bench/metrics-record.bench.ts
import { Counter, Histogram, Registry } from "prom-client";
import { LATENCY_BUCKETS_MS } from "@weft/contracts";
import { createEdgeStats } from "../src/telemetry/edge-stats";
import { RequestContext } from "../src/core/request-context";
import { EMPTY_SNAPSHOT } from "../src/core/runtime-config";
import type { IncomingMessage } from "node:http";

const N = 500_000;
const labelNames = ["direction", "source_service", "source_namespace", "source_version", "destination_service", "destination_namespace", "destination_version", "route", "status_class"] as const;

// 12 distinct edges, like a small mesh.
const records = Array.from({ length: 12 }, (_, i) => {
  const ctx = new RequestContext("outbound", EMPTY_SNAPSHOT, {} as IncomingMessage, "GET", "reviews", "/", {}, false,
    { service: "productpage", namespace: "default", version: "v1" }, { service: `svc-${i % 4}`, namespace: "default", version: `v${i % 3}` }, 0);
  ctx.status = 200;
  ctx.durationMs = 1 + (i % 7) * 3;
  ctx.route = { name: "default" } as never;
  ctx.responseBytes = 512;
  return ctx;
});

function time(name: string, fn: (i: number) => void): [string, number] {
  for (let i = 0; i < 50_000; i++) fn(i); // warm up
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < N; i++) fn(i);
  const ns = Number(process.hrtime.bigint() - t0) / N;
  return [name, ns];
}

const registry = new Registry();
const requests = new Counter({ name: "r", help: "r", labelNames, registers: [registry] });
const duration = new Histogram({ name: "d", help: "d", labelNames, buckets: LATENCY_BUCKETS_MS.map((b) => b / 1000), registers: [registry] });
const reqBytes = new Counter({ name: "rb", help: "rb", labelNames, registers: [registry] });
const resBytes = new Counter({ name: "sb", help: "sb", labelNames, registers: [registry] });
const promClient = (i: number) => {
  const r = records[i % records.length]!;
  const labels = {
    direction: r.direction, source_service: r.source.service, source_namespace: r.source.namespace, source_version: r.source.version,
    destination_service: r.destination.service, destination_namespace: r.destination.namespace, destination_version: r.destination.version,
    route: r.route?.name ?? "", status_class: "2xx",
  };
  requests.inc(labels);
  duration.observe(labels, r.durationMs / 1000);
  reqBytes.inc(labels, r.requestBytes);
  resBytes.inc(labels, r.responseBytes);
};

const stats = createEdgeStats();
const edgeStats = (i: number) => stats.record(records[i % records.length]!, "", "");

const rows = [time("prom-client (counter + histogram + 2 counters)", promClient), time("EdgeStats.record (cumulative + window)", edgeStats)];
console.log(`| recorder | ns/request |\n|---|---|`);
for (const [name, ns] of rows) console.log(`| ${name} | ${ns.toFixed(0)} |`);
console.log(`\nEdgeStats is ${(rows[0]![1] / rows[1]![1]).toFixed(1)}x faster; N=${N}, node ${process.version}`);
