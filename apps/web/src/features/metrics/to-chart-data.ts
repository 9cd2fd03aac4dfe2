// A service's per-version series (ServiceMetrics.byVersion) → rows and lines for the recharts
// charts: request rate, success rate and latency percentiles, one line per version (and per
// percentile). Steps the store left out are filled — with 0 req/s, and with gaps (null) for
// ratios and latencies, which are undefined without requests — so lines never bridge silence.
import type { MetricPoint, Series, ServiceMetrics, TimeWindow } from "@weft/contracts";
import { colorOfVersion } from "../../ui/palette";
import { versionLabel } from "../telemetry/version-label";

export { NO_VERSION } from "../telemetry/version-label";

export type ChartMetric = "requests" | "success" | "latency";
export type Percentile = "p50" | "p95" | "p99";
export const PERCENTILES: readonly Percentile[] = ["p50", "p95", "p99"];

/** One x position: `t` (Unix ms) plus one value per line key; null draws a gap. */
export type ChartRow = { t: number } & Record<string, number | null>;

export interface ChartLine {
  /** Data key in the rows: "v1" or, for latency, "v1 p99". */
  key: string;
  version: string;
  percentile?: Percentile;
  color: string;
  /** SVG dash pattern; percentiles are told apart by dash, versions by colour. */
  dash?: string;
}

export interface ChartData {
  rows: ChartRow[];
  lines: ChartLine[];
}

/** Versions first by name, the version-less series last; its colour is neutral grey. */
function byVersionName(a: Series, b: Series): number {
  if ((a.label === "") !== (b.label === "")) return a.label === "" ? 1 : -1;
  return a.label < b.label ? -1 : a.label > b.label ? 1 : 0;
}

function colorsFor(series: readonly Series[]): (label: string) => string {
  const names = series.map((s) => s.label).filter((l) => l !== "");
  return (label) => colorOfVersion(names, label);
}

/** Steps beyond this many are not gap-filled (a 7-day window at 1 min is 10 080 steps). */
export const MAX_FILLED_STEPS = 12_000;
const DASH: Record<Percentile, string | undefined> = { p50: "2 3", p95: "6 3", p99: undefined };
const MS: Record<Percentile, keyof MetricPoint> = { p50: "p50Ms", p95: "p95Ms", p99: "p99Ms" };

function valueOf(p: MetricPoint | undefined, metric: ChartMetric, pct: Percentile = "p99"): number | null {
  if (metric === "requests") return p ? p.requestsPerSecond : 0;
  if (!p || !(p.requestsPerSecond > 0)) return null;
  if (metric === "success") return p.successRate === null ? null : p.successRate * 100;
  return p[MS[pct]] as number | null;
}

/** Every step time from the earliest to the latest point of any series. */
export function stepTimes(series: readonly Series[], stepSeconds: number): number[] {
  const seen = new Set<number>();
  for (const s of series) for (const p of s.points) seen.add(p.t);
  const sorted = [...seen].sort((a, b) => a - b);
  if (sorted.length < 2 || !(stepSeconds > 0)) return sorted;
  const stepMs = stepSeconds * 1000;
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const steps = Math.floor((last - first) / stepMs);
  if (steps > MAX_FILLED_STEPS) return sorted;
  // Keep off-grid times the store sent too (a partial first step), merged in order.
  for (let i = 0; i <= steps; i++) seen.add(first + i * stepMs);
  return [...seen].sort((a, b) => a - b);
}

/** Rows and lines for one chart over the versions' series (sorted by version name for stable colours). */
export function toChartData(series: readonly Series[], metric: ChartMetric, stepSeconds: number): ChartData {
  const sorted = [...series].sort(byVersionName);
  const color = colorsFor(sorted);
  const lines: ChartLine[] =
    metric === "latency"
      ? sorted.flatMap((s) => PERCENTILES.map((pct) => ({ key: `${versionLabel(s.label)} ${pct}`, version: versionLabel(s.label), percentile: pct, color: color(s.label), dash: DASH[pct] })))
      : sorted.map((s) => ({ key: versionLabel(s.label), version: versionLabel(s.label), color: color(s.label) }));
  const byTime = sorted.map((s) => new Map(s.points.map((p) => [p.t, p])));
  const rows = stepTimes(sorted, stepSeconds).map((t) => {
    const row: ChartRow = { t };
    sorted.forEach((s, i) => {
      const p = byTime[i]!.get(t);
      const key = versionLabel(s.label);
      if (metric === "latency") for (const pct of PERCENTILES) row[`${key} ${pct}`] = valueOf(p, metric, pct);
      else row[key] = valueOf(p, metric);
    });
    return row;
  });
  return { rows, lines };
}

/** Legend entries: each version's display name and colour, in chart order. */
export function versionLegend(series: readonly Series[]): Array<{ version: string; color: string }> {
  const color = colorsFor(series);
  return [...series].sort(byVersionName).map((s) => ({ version: versionLabel(s.label), color: color(s.label) }));
}

/** Failed requests in the window, from the series (every failure, whether or not its reason was reported). */
export function failedRequests(m: Pick<ServiceMetrics, "total">): number {
  let n = 0;
  for (const p of m.total.points) if (p.successRate !== null) n += p.requests * (1 - p.successRate);
  return Math.round(n);
}

/** Whether any request reached the service in the window (its total or any version). */
export function hasTraffic(m: Pick<ServiceMetrics, "total" | "byVersion">): boolean {
  const any = (s: Series) => s.points.some((p) => p.requestsPerSecond > 0);
  return any(m.total) || m.byVersion.some(any);
}

export interface VersionSummary {
  version: string;
  color: string;
  /** Requests in the window (each step's count, summed). */
  requests: number;
  requestsPerSecond: number;
  /** Request-weighted success over the window, 0..1; null without requests. */
  successRate: number | null;
  /** The worst step's p99: quantiles of different steps cannot be averaged. */
  peakP99Ms: number | null;
}

/** One line per version for the table under the charts. */
export function summarizeVersions(metrics: Pick<ServiceMetrics, "byVersion" | "stepSeconds">): VersionSummary[] {
  const color = colorsFor(metrics.byVersion);
  return [...metrics.byVersion]
    .sort(byVersionName)
    .map((s) => {
      let requests = 0;
      let succeeded = 0;
      let judged = 0;
      let peak: number | null = null;
      for (const p of s.points) {
        const n = p.requests;
        requests += n;
        if (p.successRate !== null && n > 0) {
          succeeded += n * p.successRate;
          judged += n;
        }
        if (p.p99Ms !== null && n > 0) peak = Math.max(peak ?? 0, p.p99Ms);
      }
      const span = s.points.length * metrics.stepSeconds;
      return {
        version: versionLabel(s.label),
        color: color(s.label),
        requests: Math.round(requests),
        requestsPerSecond: span > 0 ? requests / span : 0,
        successRate: judged > 0 ? succeeded / judged : null,
        peakP99Ms: peak,
      };
    });
}

const pad = (n: number) => String(n).padStart(2, "0");
const WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];

/** X-axis tick text for a window, local time: seconds for 5 min, minutes up to a day, the weekday beyond. */
export function formatTick(t: number, window: TimeWindow): string {
  const d = new Date(t);
  const hm = `${pad(d.getHours())}:${pad(d.getMinutes())}`;
  if (window === "live" || window === "5m") return `${hm}:${pad(d.getSeconds())}`;
  if (window === "7d") return `${WEEKDAYS[d.getDay()]} ${hm}`;
  return hm;
}
