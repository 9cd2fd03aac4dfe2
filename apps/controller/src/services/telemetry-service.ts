// Live telemetry use cases: ingest sidecar reports into the built-in store (or only note them, when
// Prometheus is the backend), answer the graph, per-service and per-edge series and recent failures
// from the configured backend, push the live graph every second, keep recent traces. Time-based
// work (rollup, retention, write-behind, the live push) runs on the injected clock.
import type { z } from "zod";
import type {
  EdgeMetrics,
  EdgeMetricsInput,
  FailuresInput,
  RecentFailure,
  ServiceGraph,
  ServiceMetrics,
  ServiceMetricsInput,
  Span,
  TelemetryReport,
  TelemetrySource,
  TimeWindow,
  Trace,
  TraceSearchInput,
  TraceSummary,
} from "@weft/contracts";
import { notFound } from "../domain/errors";
import type { MeshSnapshot } from "../domain/snapshot";
import type { Clock } from "../ports/clock";
import type { TelemetryRepository } from "../ports/telemetry-repository";
import { createFailureLog } from "./telemetry/failures";
import { createPrometheusReader } from "./telemetry/prometheus-reader";
import { createBuiltinReader, TelemetryUnavailableError, type SeriesFilter, type SteppedSeries, type TelemetryReader } from "./telemetry/reader";
import { isCounted, reasonIndex, sourceId, TCP_ROUTE, type SeriesKey } from "./telemetry/record";
import { createReporterLog } from "./telemetry/reporters";
import { limitsFromBudget } from "./telemetry/limits";
import { createTelemetryStore, type Delta, type StoreLimits } from "./telemetry/store";
import { createTraceStore, DEFAULT_TRACE_LIMITS, type TraceLimits } from "./telemetry/traces";
import { buildGraph, emptySeries, failuresByReason, rangeOf, seriesBy, STEP_SECONDS, windowRange, type Range } from "./telemetry/views";
import { createWriteBehind } from "./telemetry/write-behind";

export interface TelemetryConfig {
  backend: "builtin" | "prometheus";
  prometheus?: { url: string; scrapeIntervalSeconds: number };
  /** Names this controller's rows in the database (each replica persists the reports it received). */
  replica: string;
  limits: StoreLimits;
  traces: TraceLimits;
  /** Write-behind period of the built-in store. */
  flushIntervalMs: number;
  /** Concurrent live-graph subscriptions; beyond, the oldest one is ended. */
  maxLiveSubscriptions: number;
}

export const DEFAULT_TELEMETRY_CONFIG: TelemetryConfig = {
  backend: "builtin",
  replica: "default",
  limits: limitsFromBudget(128, 2_500),
  traces: DEFAULT_TRACE_LIMITS,
  flushIntervalMs: 5_000,
  maxLiveSubscriptions: 64,
};

export interface TelemetryLog {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

export type TelemetryService = ReturnType<typeof createTelemetryService>;

export function createTelemetryService(deps: {
  clock: Clock;
  snapshot: () => MeshSnapshot;
  onReport?: (nodeId: string) => void;
  config?: Partial<TelemetryConfig>;
  repository?: TelemetryRepository;
  log?: TelemetryLog;
}) {
  const { clock } = deps;
  const config: TelemetryConfig = { ...DEFAULT_TELEMETRY_CONFIG, ...deps.config };
  const nowSec = () => Math.floor(clock.now() / 1000);
  const store = createTelemetryStore(config.limits, nowSec());
  const builtin = config.backend === "builtin";
  if (!builtin && !config.prometheus) throw new Error("telemetry backend prometheus needs prometheus.url (WEFT_PROMETHEUS_URL)");
  const reader: TelemetryReader = !builtin && config.prometheus ? createPrometheusReader(config.prometheus) : createBuiltinReader(store);
  const reporters = createReporterLog();
  const failures = createFailureLog();
  const traces = createTraceStore(config.traces);
  const writeBehind = deps.repository && builtin ? createWriteBehind({ store, repository: deps.repository, replica: config.replica, ...(deps.log ? { log: deps.log } : {}) }) : undefined;
  const watchers = new Set<AbortController>();
  const graphCache = new Map<string, { sec: number; graph: Promise<ServiceGraph> }>();
  let timer: { cancel(): void } | undefined;
  let ticks = 0;
  let stopped = false;
  const delta: Delta = { requests: 0, failures: 0, durationSumMs: 0, requestBytes: 0, responseBytes: 0, latency: null, reason: -1 };

  function tick() {
    store.tick(nowSec());
    ticks++;
    if (writeBehind && ticks % Math.max(1, Math.round(config.flushIntervalMs / 1000)) === 0) void writeBehind.flush(nowSec());
    if (ticks % 60 === 0) reporters.prune(clock.now());
    if (!stopped) timer = clock.setTimeout(tick, 1000);
  }

  function sourceOf(range: Range, seen: boolean | null): TelemetrySource {
    const reporting = reporters.within(range.fromSec * 1000).total;
    if (!builtin) {
      return seen === false
        ? { backend: "prometheus", state: "no_reports", detail: `Prometheus has no Weft request series in this window: is it scraping the sidecars' /metrics?` }
        : { backend: "prometheus", state: "ok", detail: "" };
    }
    if (reporting > 0) return { backend: "builtin", state: "ok", detail: `${reporting} sidecar${reporting === 1 ? "" : "s"} reported in this window` };
    // E.g. just after a restart: the stored history is there, the sidecars have not reported again yet.
    if (seen) return { backend: "builtin", state: "ok", detail: "stored telemetry; no sidecar has reported to this controller in this window yet" };
    return { backend: "builtin", state: "no_reports", detail: "no sidecar reported telemetry in this window: are sidecars connected to this controller (GET /api/v1/proxies)?" };
  }

  async function graphOver(range: Range): Promise<ServiceGraph> {
    const now = clock.now();
    let totals: Awaited<ReturnType<TelemetryReader["totals"]>> = [];
    let source: TelemetrySource;
    try {
      totals = await reader.totals(range.fromSec, range.toSec, {});
      source = sourceOf(range, totals.length > 0);
    } catch (err) {
      if (!(err instanceof TelemetryUnavailableError)) throw err;
      source = { backend: reader.backend, state: "unreachable", detail: err.detail };
    }
    return buildGraph({ totals, range, nowMs: now, snapshot: deps.snapshot(), reporting: reporters.within(range.fromSec * 1000), source });
  }

  /** Every live subscriber of a window shares one computation per second. */
  function sharedGraph(window: TimeWindow): Promise<ServiceGraph> {
    const sec = nowSec();
    const cached = graphCache.get(window);
    if (cached?.sec === sec) return cached.graph;
    const graph = graphFor(window);
    graphCache.set(window, { sec, graph });
    graph.catch(() => graphCache.delete(window));
    return graph;
  }

  const graphFor = (window: TimeWindow) => graphOver(windowRange(window, clock.now()));

  async function stepped(window: TimeWindow, filter: SeriesFilter) {
    const step = STEP_SECONDS[window];
    const range = windowRange(window, clock.now());
    try {
      // Window totals come from one range-wide read: with Prometheus, one increase() over the window
      // is exact where a sum of per-step increases carries each step's extrapolation.
      const [steps, totals] = await Promise.all([reader.steps(range.fromSec, range.toSec, step, filter), reader.totals(range.fromSec, range.toSec, filter)]);
      const series = steps.filter((s) => isCounted(s.key));
      const whole = totals.filter((a) => isCounted(a.key)).map((a) => ({ key: a.key, points: [a.values] }));
      return { range, step, series, whole, source: sourceOf(range, series.length > 0) };
    } catch (err) {
      if (!(err instanceof TelemetryUnavailableError)) throw err;
      return { range, step, series: [] as SteppedSeries[], whole: [] as SteppedSeries[], source: { backend: reader.backend, state: "unreachable", detail: err.detail } as TelemetrySource };
    }
  }

  function charts(s: Awaited<ReturnType<typeof stepped>>) {
    const byLabel = (label: (k: SeriesKey) => string) => seriesBy(s.series, label, s.range, s.step);
    return {
      stepSeconds: s.step,
      total: byLabel(() => "all")[0] ?? emptySeries("all", s.range, s.step),
      byVersion: byLabel((k) => k.targetVersion),
      byRoute: byLabel((k) => k.route),
      failuresByReason: failuresByReason(s.whole),
      source: s.source,
    };
  }

  const sleep = (ms: number, signal: AbortSignal) =>
    new Promise<boolean>((resolve) => {
      if (signal.aborted) return resolve(false);
      const onAbort = () => {
        t.cancel();
        resolve(false);
      };
      const t = clock.setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve(true);
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });

  return {
    /** Restores the persisted store (built-in backend) and starts the clock-driven work. */
    async start(): Promise<void> {
      if (writeBehind) await writeBehind.restore(nowSec(), config.limits);
      store.tick(nowSec());
      timer = clock.setTimeout(tick, 1000);
    },

    /** Stops the clock-driven work and writes what is not persisted yet. */
    async stop(): Promise<void> {
      stopped = true;
      timer?.cancel();
      for (const w of watchers) w.abort();
      await writeBehind?.flush(nowSec(), true);
    },

    /** Writes dirty buckets now (tests; shutdown uses stop()). */
    flush: (all = false) => writeBehind?.flush(nowSec(), all) ?? Promise.resolve(),

    /** Takes one report; returns how many series it carried and how many the store refused (caps). */
    ingest(report: TelemetryReport): { series: number; dropped: number } {
      const now = clock.now();
      reporters.reported(report.nodeId, `${report.service}.${report.namespace}`, now);
      deps.onReport?.(report.nodeId);
      for (const f of report.failures) failures.add(report.nodeId, f);
      const series = report.edges.length + report.tcp.length;
      if (!builtin) return { series, dropped: 0 };
      // The controller's clock places the window (it ended on arrival): sidecar clock skew cannot
      // move traffic out of the live window.
      const sec = Math.floor((now - report.windowMs) / 1000);
      let dropped = 0;
      for (const e of report.edges) {
        delta.requests = e.requests;
        delta.failures = e.failures;
        delta.durationSumMs = e.durationSumMs;
        delta.requestBytes = e.requestBytes;
        delta.responseBytes = e.responseBytes;
        delta.latency = e.durationBuckets;
        delta.reason = e.reason ? (reasonIndex.get(e.reason) ?? -1) : -1;
        const key = { direction: e.direction, source: sourceId(e.sourceService, e.sourceNamespace), target: `${e.destinationService}.${e.destinationNamespace}`, targetVersion: e.destinationVersion, route: e.route };
        if (!store.add(sec, key, delta)) dropped++;
      }
      for (const t of report.tcp) {
        delta.requests = t.connectionsOpened;
        delta.failures = 0;
        delta.durationSumMs = 0;
        delta.requestBytes = t.bytesSent;
        delta.responseBytes = t.bytesReceived;
        delta.latency = null;
        delta.reason = -1;
        const key = { direction: t.direction, source: sourceId(t.sourceService, t.sourceNamespace), target: `${t.destinationService}.${t.destinationNamespace}`, targetVersion: t.destinationVersion, route: TCP_ROUTE };
        if (!store.add(sec, key, delta)) dropped++;
      }
      return { series, dropped };
    },

    /** The graph over the last `windowSeconds` seconds (the console's original live view). */
    graph: (windowSeconds: number) => graphOver(rangeOf(windowSeconds, clock.now())),
    graphFor,

    /** The graph of `window` now and then every second, until `signal` aborts or a newer subscriber displaces it. */
    async *watchGraph(window: TimeWindow, signal: AbortSignal): AsyncGenerator<ServiceGraph> {
      const own = new AbortController();
      own.signal.addEventListener("abort", () => watchers.delete(own), { once: true });
      const forward = () => own.abort();
      signal.addEventListener("abort", forward, { once: true });
      if (signal.aborted) own.abort();
      watchers.add(own);
      if (watchers.size > config.maxLiveSubscriptions) watchers.values().next().value?.abort();
      try {
        while (!own.signal.aborted && !stopped) {
          yield await sharedGraph(window);
          if (!(await sleep(1000, own.signal))) return;
        }
      } finally {
        watchers.delete(own);
        signal.removeEventListener("abort", forward);
      }
    },
    liveSubscriptions: () => watchers.size,

    async serviceMetrics(input: z.output<typeof ServiceMetricsInput>): Promise<ServiceMetrics> {
      const target = `${input.service}.${input.namespace}`;
      const s = await stepped(input.window, { target });
      const known = deps.snapshot().clusters.some((c) => c.service === input.service && c.namespace === input.namespace);
      if (!known && s.series.length === 0 && s.source.state !== "unreachable") throw notFound(`service ${target}`);
      return { service: input.service, namespace: input.namespace, window: input.window, ...charts(s) };
    },

    async edgeMetrics(input: z.output<typeof EdgeMetricsInput>): Promise<EdgeMetrics> {
      const s = await stepped(input.window, { source: input.source, target: input.target });
      return { edge: { source: input.source, target: input.target }, window: input.window, ...charts(s) };
    },

    recentFailures: (input: z.output<typeof FailuresInput>): RecentFailure[] => failures.recent(input.service, input.namespace, input.limit),

    addSpans: (spans: readonly Span[]) => traces.add(spans),
    searchTraces: (input: z.output<typeof TraceSearchInput>): TraceSummary[] => traces.search(input, clock.now()),
    trace(traceId: string): Trace {
      const t = traces.byId(traceId);
      if (!t) throw notFound(`trace ${traceId} (traces are kept in memory, newest ${config.traces.maxTraces}; it may have been evicted)`);
      return t;
    },

    sizes: () => ({ store: store.sizes(), traces: traces.sizes(), failures: failures.size, reporters: reporters.size, persistFailing: writeBehind?.failing() ?? false }),
  };
}
