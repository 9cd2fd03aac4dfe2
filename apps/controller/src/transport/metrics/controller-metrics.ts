// The controller's own Prometheus metrics (prom-client): connected proxies, xDS pushes, push
// latency and ACK/NACK, telemetry ingest, store sizes, OTLP spans. Instruments are fed by the
// transports through small interfaces; gauges read their figures at scrape time.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from "prom-client";
import type { ProxyRegistry } from "../../services/proxy-registry";
import type { TelemetryService } from "../../services/telemetry-service";

export type ControllerMetrics = ReturnType<typeof createControllerMetrics>;

export function createControllerMetrics(deps: { proxies: ProxyRegistry; telemetry: TelemetryService; processMetrics?: boolean }) {
  const registry = new Registry();
  const registers = [registry];

  new Gauge({
    name: "weft_controller_connected_proxies",
    help: "Data-plane clients with an open ADS stream to this controller, by kind (sidecar, xds-client).",
    labelNames: ["kind"] as const,
    registers,
    collect() {
      this.reset();
      for (const p of deps.proxies.list()) this.inc({ kind: p.kind });
    },
  });
  const pushes = new Counter({ name: "weft_xds_pushes_total", help: "xDS responses written to proxies, by resource type.", labelNames: ["type"] as const, registers });
  const pushLatency = new Histogram({
    name: "weft_xds_push_latency_seconds",
    help: "Time from a committed mesh change to the xDS response carrying it being written to a proxy's stream, by resource type.",
    labelNames: ["type"] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const acks = new Counter({ name: "weft_xds_acks_total", help: "xDS responses proxies accepted, by resource type.", labelNames: ["type"] as const, registers });
  const nacks = new Counter({ name: "weft_xds_nacks_total", help: "xDS responses proxies rejected (NACK), by resource type.", labelNames: ["type"] as const, registers });
  const reports = new Counter({ name: "weft_telemetry_reports_total", help: "Telemetry reports ingested from sidecars.", registers });
  const rejected = new Counter({ name: "weft_telemetry_reports_rejected_total", help: "Telemetry reports refused as invalid.", registers });
  const series = new Counter({ name: "weft_telemetry_series_ingested_total", help: "Series samples (edges and TCP) ingested from reports.", registers });
  const seriesDropped = new Counter({ name: "weft_telemetry_series_dropped_total", help: "Series samples the store refused (series or record cap reached, or too old).", registers });

  const sizes = () => deps.telemetry.sizes();
  new Gauge({ name: "weft_telemetry_store_series", help: "Series held by the built-in telemetry store (capped).", registers, collect() { this.set(sizes().store.series); } });
  new Gauge({
    name: "weft_telemetry_store_records",
    help: "Records held by the built-in telemetry store, by tier (1s, 1m).",
    labelNames: ["tier"] as const,
    registers,
    collect() {
      const s = sizes().store;
      this.set({ tier: "1s" }, s.secondRecords);
      this.set({ tier: "1m" }, s.minuteRecords);
    },
  });
  new Gauge({ name: "weft_telemetry_store_bytes", help: "Approximate heap bytes of the built-in telemetry store.", registers, collect() { this.set(sizes().store.approxBytes); } });
  new Gauge({
    name: "weft_telemetry_store_evicted_records",
    help: "Records evicted early (before their retention) to stay under the record caps, by tier, since start.",
    labelNames: ["tier"] as const,
    registers,
    collect() {
      const e = sizes().store.evictedRecords;
      this.set({ tier: "1s" }, e["1s"]);
      this.set({ tier: "1m" }, e["1m"]);
    },
  });
  new Gauge({ name: "weft_telemetry_persist_failing", help: "1 while the built-in store cannot write to the database (it keeps the data and retries).", registers, collect() { this.set(sizes().persistFailing ? 1 : 0); } });
  new Gauge({ name: "weft_telemetry_live_subscriptions", help: "Open live-graph subscriptions (SSE).", registers, collect() { this.set(deps.telemetry.liveSubscriptions()); } });
  new Gauge({ name: "weft_traces_stored", help: "Traces held in memory.", registers, collect() { this.set(sizes().traces.traces); } });
  new Gauge({ name: "weft_trace_spans_stored", help: "Spans held in memory.", registers, collect() { this.set(sizes().traces.spans); } });
  const spansReceived = new Counter({ name: "weft_otlp_spans_received_total", help: "Spans received over OTLP and stored.", registers });
  const spansDropped = new Counter({ name: "weft_otlp_spans_dropped_total", help: "Spans received over OTLP and refused, by reason.", labelNames: ["reason"] as const, registers });
  if (deps.processMetrics !== false) collectDefaultMetrics({ register: registry });

  return {
    contentType: registry.contentType,
    render: () => registry.metrics(),
    xds: {
      pushed(type: string, sinceChangeMs?: number) {
        pushes.inc({ type });
        if (sinceChangeMs !== undefined) pushLatency.observe({ type }, sinceChangeMs / 1000);
      },
      acked: (type: string) => acks.inc({ type }),
      nacked: (type: string) => nacks.inc({ type }),
    },
    reports: {
      reportIngested(n: number, dropped: number) {
        reports.inc();
        series.inc(n);
        if (dropped) seriesDropped.inc(dropped);
      },
      reportRejected: () => rejected.inc(),
    },
    otlp: {
      spansReceived: (n: number) => spansReceived.inc(n),
      spansDropped: (reason: "invalid" | "too_many" | "trace_too_large", n: number) => spansDropped.inc({ reason }, n),
    },
  };
}
