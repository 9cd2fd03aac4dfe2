// The Prometheus backend: answers the same per-series sums as the built-in store with PromQL over
// the sidecars' /metrics (names: SidecarMetricName, labels: REQUEST_LABELS / TCP_LABELS), so the
// views compute graphs and series identically from either. Counters are read with increase().
import { LATENCY_BUCKETS_MS, SidecarMetricName } from "@weft/contracts";
import { DURATION_SUM_MS, FAILURES, LATENCY, LATENCY_SLOTS, newAggregate, REASONS, reasonIndex, REQUEST_BYTES, REQUESTS, RESPONSE_BYTES, sourceId, TCP_ROUTE, keyString, type SeriesKey } from "./record";
import { TelemetryUnavailableError, type Aggregate, type SeriesFilter, type SteppedSeries, type TelemetryReader } from "./reader";

export interface PrometheusOptions {
  /** Base URL, e.g. http://127.0.0.1:9090 */
  url: string;
  /** How often Prometheus scrapes the sidecars: a rate needs a range of a few scrapes. */
  scrapeIntervalSeconds: number;
  /** Per query; default 5 s. */
  timeoutMs?: number;
}

type Labels = Record<string, string>;
interface PromSample {
  metric: Labels;
  value?: [number, string];
  values?: Array<[number, string]>;
}

const KEY_LABELS = "direction, source_service, source_namespace, destination_service, destination_namespace, destination_version, route";
const TCP_KEY_LABELS = "direction, source_service, source_namespace, destination_service, destination_namespace, destination_version";
const M = SidecarMetricName;

/** Where each query's value lands in an aggregate; `le`/`reason` queries spread over several fields. */
type Field = number | "latency" | "reason";

function selector(filter: SeriesFilter): string {
  const parts: string[] = [];
  const split = (id: string) => {
    const dot = id.indexOf(".");
    return dot < 0 ? [id, "default"] : [id.slice(0, dot), id.slice(dot + 1)];
  };
  if (filter.target !== undefined) {
    const [service, ns] = split(filter.target);
    parts.push(`destination_service=${JSON.stringify(service)}`, `destination_namespace=${JSON.stringify(ns)}`);
  }
  if (filter.source === "external") parts.push('source_service=~"|external"');
  else if (filter.source !== undefined) {
    const [service, ns] = split(filter.source);
    parts.push(`source_service=${JSON.stringify(service)}`, `source_namespace=${JSON.stringify(ns)}`);
  }
  return parts.join(",");
}

/** The queries behind one set of aggregates, for a selector and a range (seconds). */
function queries(sel: string, range: number): Array<{ field: Field; tcp?: boolean; q: string }> {
  const s = (extra = "") => `{${[sel, extra].filter(Boolean).join(",")}}`;
  const inc = (metric: string, extra = "") => `increase(${metric}${s(extra)}[${range}s])`;
  return [
    { field: REQUESTS, q: `sum by (${KEY_LABELS}) (${inc(M.requestsTotal)})` },
    // A failure carries a reason; sidecars without the reason label still mark 5xx.
    { field: FAILURES, q: `sum by (${KEY_LABELS}) (${inc(M.requestsTotal, 'reason!=""')} or ${inc(M.requestsTotal, 'reason="",status_class="5xx"')})` },
    { field: DURATION_SUM_MS, q: `sum by (${KEY_LABELS}) (${inc(`${M.requestDurationSeconds}_sum`)}) * 1000` },
    { field: "latency", q: `sum by (${KEY_LABELS}, le) (${inc(`${M.requestDurationSeconds}_bucket`)})` },
    { field: REQUEST_BYTES, q: `sum by (${KEY_LABELS}) (${inc(M.requestBytesTotal)})` },
    { field: RESPONSE_BYTES, q: `sum by (${KEY_LABELS}) (${inc(M.responseBytesTotal)})` },
    { field: "reason", q: `sum by (${KEY_LABELS}, reason) (${inc(M.requestsTotal, 'reason!=""')})` },
    { field: REQUESTS, tcp: true, q: `sum by (${TCP_KEY_LABELS}) (${inc(M.tcpConnectionsOpenedTotal)})` },
    { field: REQUEST_BYTES, tcp: true, q: `sum by (${TCP_KEY_LABELS}) (${inc(M.tcpSentBytesTotal)})` },
    { field: RESPONSE_BYTES, tcp: true, q: `sum by (${TCP_KEY_LABELS}) (${inc(M.tcpReceivedBytesTotal)})` },
  ];
}

function keyOf(m: Labels, tcp: boolean): SeriesKey | null {
  if (m.direction !== "inbound" && m.direction !== "outbound") return null;
  return {
    direction: m.direction,
    source: sourceId(m.source_service ?? "", m.source_namespace ?? ""),
    target: `${m.destination_service ?? ""}.${m.destination_namespace ?? ""}`,
    targetVersion: m.destination_version ?? "",
    route: tcp ? TCP_ROUTE : (m.route ?? ""),
  };
}

/** Bucket upper bounds in seconds ("0.005", "+Inf") -> cumulative counts, to per-slot counts. */
function addLatency(agg: Float64Array, cumulative: Map<number, number>): void {
  let previous = 0;
  for (let i = 0; i < LATENCY_SLOTS; i++) {
    const c = cumulative.get(i) ?? previous;
    agg[LATENCY + i]! += Math.max(0, c - previous);
    previous = Math.max(previous, c);
  }
}

function slotOfLe(le: string): number {
  if (le === "+Inf") return LATENCY_BUCKETS_MS.length;
  const ms = Number(le) * 1000;
  return LATENCY_BUCKETS_MS.findIndex((b) => Math.abs(b - ms) < 1e-6 * b);
}

export function createPrometheusReader(opts: PrometheusOptions): TelemetryReader {
  const base = opts.url.replace(/\/+$/, "");
  const timeoutMs = opts.timeoutMs ?? 5000;
  const minRange = 4 * opts.scrapeIntervalSeconds;

  async function api(path: string, params: Record<string, string>): Promise<PromSample[]> {
    let res: Response;
    try {
      res = await fetch(`${base}${path}`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(params).toString(),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (err) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const why = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new TelemetryUnavailableError(`Prometheus at ${base} did not answer: ${why}`);
    }
    const body = (await res.json().catch(() => null)) as { status?: string; error?: string; data?: { result?: PromSample[] } } | null;
    if (!res.ok || body?.status !== "success") {
      throw new TelemetryUnavailableError(`Prometheus at ${base} answered ${res.status}: ${body?.error ?? "not a Prometheus API response"}`);
    }
    return body.data?.result ?? [];
  }

  /** Runs every query and folds the samples into aggregates; `slot` maps a sample time to a point. */
  async function collect(sel: string, range: number, scale: number, run: (q: string) => Promise<PromSample[]>, points: number, slot: (t: number) => number) {
    const byKey = new Map<string, { key: SeriesKey; points: Float64Array[] }>();
    const pointsOf = (key: SeriesKey) => {
      const ks = keyString(key);
      let e = byKey.get(ks);
      if (!e) byKey.set(ks, (e = { key, points: Array.from({ length: points }, () => newAggregate()) }));
      return e.points;
    };
    const results = await Promise.all(queries(sel, range).map(async (query) => ({ query, samples: await run(query.q) })));
    for (const { query, samples } of results) {
      // Histogram buckets arrive one series per `le`: gather each key's cumulative counts per point first.
      const latency = new Map<Float64Array, Map<number, number>>();
      for (const sample of samples) {
        const key = keyOf(sample.metric, query.tcp === true);
        if (!key) continue;
        const agg = pointsOf(key);
        const values = sample.values ?? (sample.value ? [sample.value] : []);
        for (const [t, raw] of values) {
          const v = Number(raw) * scale;
          const i = slot(Number(t));
          if (!Number.isFinite(v) || i < 0 || i >= points) continue;
          const p = agg[i]!;
          if (query.field === "latency") {
            const s = slotOfLe(sample.metric.le ?? "");
            if (s < 0) continue;
            let cumulative = latency.get(p);
            if (!cumulative) latency.set(p, (cumulative = new Map()));
            cumulative.set(s, (cumulative.get(s) ?? 0) + v);
          } else if (query.field === "reason") {
            const r = reasonIndex.get(sample.metric.reason ?? "");
            if (r !== undefined) p[REASONS + r]! += v;
          } else {
            p[query.field]! += v;
          }
        }
      }
      for (const [p, cumulative] of latency) addLatency(p, cumulative);
    }
    return [...byKey.values()];
  }

  return {
    backend: "prometheus",
    async totals(fromSec, toSec, filter): Promise<Aggregate[]> {
      const length = toSec - fromSec;
      const range = Math.max(length, minRange);
      const run = (q: string) => api("/api/v1/query", { query: q, time: String(toSec) });
      const series = await collect(selector(filter), range, length / range, run, 1, () => 0);
      return series.map((s) => ({ key: s.key, values: s.points[0]! }));
    },
    async steps(fromSec, toSec, stepSeconds, filter): Promise<SteppedSeries[]> {
      const count = Math.ceil((toSec - fromSec) / stepSeconds);
      const range = Math.max(stepSeconds, minRange);
      // A point covers [t, t + step): it is the increase evaluated at its end.
      const run = (q: string) => api("/api/v1/query_range", { query: q, start: String(fromSec + stepSeconds), end: String(fromSec + count * stepSeconds), step: `${stepSeconds}s` });
      return collect(selector(filter), range, stepSeconds / range, run, count, (t) => Math.round((t - fromSec) / stepSeconds) - 1);
    },
  };
}
