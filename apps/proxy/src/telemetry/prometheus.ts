// /metrics: request and TCP metrics rendered straight from EdgeStats / TcpStats (cumulative), the
// telemetry pipeline's own counters (series, overflow, spans, access log lines), plus prom-client
// for the low-rate control-plane gauges/counters and Node process metrics. prom-client is kept off
// the request path: recording one request's counter + histogram + byte counters costs ~3.6 µs there
// against ~0.5 µs in EdgeStats (bench/metrics-record.bench.ts), and it cannot produce the
// per-window deltas the report stream needs, so it would be a second aggregation on top.
import { Counter, Gauge, Registry, collectDefaultMetrics } from "prom-client";
import { LATENCY_BUCKETS_MS, SidecarMetricName } from "@weft/contracts";
import type { ProxyEvents } from "../core/events";
import type { EdgeSeries, EdgeStats } from "./edge-stats";
import type { TcpSeries, TcpStats } from "./tcp-stats";
import type { TracingCounters } from "../tracing/tracing";
import type { AccessLogCounters } from "./access-log";

export interface Metrics {
  readonly contentType: string;
  render(): Promise<string>;
  close(): void;
}

/** What /metrics reads besides prom-client's registry. */
export interface MetricSources {
  edges: EdgeStats;
  tcp?: TcpStats;
  tracing?: Readonly<TracingCounters>;
  accessLog?: Readonly<AccessLogCounters>;
}

/** Event-loop delay sampling period of the process metrics, ms. prom-client's default (10 ms) is a
 *  timer that wakes the sidecar 100 times a second, idle or not: 5 ms of CPU a second on an idle
 *  sidecar here, ~5 % of its budget at 1 000 req/s. At 100 ms a stall longer than the period is
 *  always seen and shorter ones in proportion; nodejs_eventloop_lag_* keep their meaning. */
export const EVENT_LOOP_SAMPLE_MS = 100;

const LE = [...LATENCY_BUCKETS_MS.map((ms) => String(ms / 1000)), "+Inf"];

function escape(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

/** REQUEST_LABELS, in that order. */
function requestLabelText(s: EdgeSeries): string {
  const l = s.labels;
  return (
    `direction="${l.direction}",source_service="${escape(l.sourceService)}",source_namespace="${escape(l.sourceNamespace)}",` +
    `source_version="${escape(l.sourceVersion)}",destination_service="${escape(l.destinationService)}",` +
    `destination_namespace="${escape(l.destinationNamespace)}",destination_version="${escape(l.destinationVersion)}",` +
    `route="${escape(l.route)}",status_class="${l.statusClass}",grpc_status="${l.grpcStatus}",reason="${l.reason}"`
  );
}

/** TCP_LABELS, in that order. */
function tcpLabelText(s: TcpSeries): string {
  const l = s.labels;
  return (
    `direction="${l.direction}",source_service="${escape(l.sourceService)}",source_namespace="${escape(l.sourceNamespace)}",` +
    `destination_service="${escape(l.destinationService)}",destination_namespace="${escape(l.destinationNamespace)}",` +
    `destination_version="${escape(l.destinationVersion)}"`
  );
}

function family(out: string[], name: string, type: "counter" | "gauge" | "histogram", help: string): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

export function renderEdgeMetrics(stats: EdgeStats): string {
  const series = [...stats.series()].map((s) => [s, requestLabelText(s)] as const);
  const out: string[] = [];
  family(out, SidecarMetricName.requestsTotal, "counter", "Requests through the sidecar, by direction, source, destination, route, status class, gRPC status and failure reason.");
  for (const [s, l] of series) out.push(`${SidecarMetricName.requestsTotal}{${l}} ${s.requests}`);
  const h = SidecarMetricName.requestDurationSeconds;
  family(out, h, "histogram", "Time from request arrival to the end of the response body.");
  for (const [s, l] of series) {
    let cumulative = 0;
    for (let i = 0; i < LE.length; i++) {
      cumulative += s.buckets[i]!;
      out.push(`${h}_bucket{${l},le="${LE[i]}"} ${cumulative}`);
    }
    out.push(`${h}_sum{${l}} ${s.durationSumMs / 1000}`);
    out.push(`${h}_count{${l}} ${s.requests}`);
  }
  family(out, SidecarMetricName.requestBytesTotal, "counter", "Request body bytes received from the downstream.");
  for (const [s, l] of series) out.push(`${SidecarMetricName.requestBytesTotal}{${l}} ${s.requestBytes}`);
  family(out, SidecarMetricName.responseBytesTotal, "counter", "Response body bytes sent to the downstream.");
  for (const [s, l] of series) out.push(`${SidecarMetricName.responseBytesTotal}{${l}} ${s.responseBytes}`);
  family(out, "weft_local_replies_total", "counter", "Replies the sidecar generated itself, by error code.");
  for (const [direction, code, n] of stats.localReplies()) out.push(`weft_local_replies_total{direction="${direction}",code="${code}"} ${n}`);
  return out.join("\n") + "\n";
}

export function renderTcpMetrics(stats: TcpStats): string {
  const series = [...stats.series()].map((s) => [s, tcpLabelText(s)] as const);
  const out: string[] = [];
  const counters: Array<[string, string, (s: TcpSeries) => number]> = [
    [SidecarMetricName.tcpConnectionsOpenedTotal, "Proxied TCP connections opened.", (s) => s.opened],
    [SidecarMetricName.tcpConnectionsClosedTotal, "Proxied TCP connections closed.", (s) => s.closed],
    [SidecarMetricName.tcpSentBytesTotal, "Bytes sent towards the destination over proxied TCP connections (counted while open).", (s) => s.sent],
    [SidecarMetricName.tcpReceivedBytesTotal, "Bytes received from the destination over proxied TCP connections (counted while open).", (s) => s.received],
  ];
  for (const [name, help, value] of counters) {
    family(out, name, "counter", help);
    for (const [s, l] of series) out.push(`${name}{${l}} ${value(s)}`);
  }
  return out.join("\n") + "\n";
}

/** The telemetry pipeline's own health: series against their caps, spans, access log lines. */
export function renderSelfMetrics(sources: MetricSources): string {
  const out: string[] = [];
  family(out, "weft_telemetry_series", "gauge", "Series held by the sidecar's aggregation, by kind.");
  out.push(`weft_telemetry_series{kind="request"} ${sources.edges.size}`);
  if (sources.tcp) out.push(`weft_telemetry_series{kind="tcp"} ${sources.tcp.size}`);
  family(out, "weft_telemetry_series_limit", "gauge", "Series cap per kind; beyond it new label sets fold into an overflow series.");
  out.push(`weft_telemetry_series_limit{kind="request"} ${sources.edges.maxSeries}`);
  if (sources.tcp) out.push(`weft_telemetry_series_limit{kind="tcp"} ${sources.tcp.maxSeries}`);
  family(out, "weft_telemetry_overflow_requests_total", "counter", "Requests counted in the overflow series because the series cap was reached.");
  out.push(`weft_telemetry_overflow_requests_total ${sources.edges.overflowRequests}`);
  const t = sources.tracing;
  if (t) {
    family(out, "weft_trace_requests_total", "counter", "Requests by trace sampling decision.");
    out.push(`weft_trace_requests_total{sampled="true"} ${t.sampled}`, `weft_trace_requests_total{sampled="false"} ${t.unsampled}`);
    family(out, "weft_trace_spans_total", "counter", "Spans by export outcome, summed over OTLP endpoints: exported, dropped (queue full), failed (export refused or timed out).");
    out.push(`weft_trace_spans_total{result="exported"} ${t.exported}`, `weft_trace_spans_total{result="dropped"} ${t.dropped}`, `weft_trace_spans_total{result="failed"} ${t.failed}`);
  }
  const a = sources.accessLog;
  if (a) {
    family(out, "weft_access_log_lines_total", "counter", "Access log lines: written, sampled out (successes), dropped (writer too far behind).");
    out.push(`weft_access_log_lines_total{result="written"} ${a.written}`, `weft_access_log_lines_total{result="sampled_out"} ${a.sampledOut}`, `weft_access_log_lines_total{result="dropped"} ${a.dropped}`);
  }
  return out.join("\n") + "\n";
}

export function createMetrics(options: MetricSources & { events: ProxyEvents; processMetrics?: boolean }): Metrics {
  const registry = new Registry();
  const connected = new Gauge({ name: SidecarMetricName.xdsConnected, help: "1 while the ADS stream to the controller is up.", registers: [registry] });
  const updates = new Counter({
    name: SidecarMetricName.xdsUpdatesTotal,
    help: "xDS responses applied (ack) or rejected (nack), by type.",
    labelNames: ["type", "result"] as const,
    registers: [registry],
  });
  connected.set(0);
  const unsubscribe = [
    options.events.on("xdsConnection", (up) => connected.set(up ? 1 : 0)),
    options.events.on("xdsUpdate", ({ type, result }) => updates.inc({ type, result })),
  ];
  if (options.processMetrics) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
  return {
    contentType: registry.contentType,
    async render() {
      return renderEdgeMetrics(options.edges) + (options.tcp ? renderTcpMetrics(options.tcp) : "") + renderSelfMetrics(options) + (await registry.metrics());
    },
    close() {
      for (const u of unsubscribe) u();
      registry.clear();
    },
  };
}
