import { describe, expect, it } from "vitest";
import type { MetricPoint, Series } from "@weft/contracts";
import { failedRequests, formatTick, hasTraffic, MAX_FILLED_STEPS, NO_VERSION, stepTimes, summarizeVersions, toChartData, versionLegend } from "./to-chart-data";

const T0 = 1_700_000_000_000;
/** A 1 s step unless `requests` says otherwise. */
const point = (i: number, extra: Partial<MetricPoint> = {}): MetricPoint => ({
  t: T0 + i * 1000,
  requests: extra.requestsPerSecond ?? 10,
  requestsPerSecond: 10,
  successRate: 1,
  p50Ms: 5,
  p95Ms: 20,
  p99Ms: 40,
  requestBytesPerSecond: 0,
  responseBytesPerSecond: 0,
  ...extra,
});
const series = (label: string, points: MetricPoint[]): Series => ({ label, points });

describe("toChartData", () => {
  it("lines up versions on one time axis, one line per version, coloured by version", () => {
    const { rows, lines } = toChartData([series("v2", [point(1, { requestsPerSecond: 3 })]), series("v1", [point(0), point(1, { requestsPerSecond: 7 })])], "requests", 1);
    expect(lines.map((l) => [l.key, l.color])).toEqual([
      ["v1", "var(--v0)"],
      ["v2", "var(--v1)"],
    ]);
    expect(rows).toEqual([
      { t: T0, v1: 10, v2: 0 },
      { t: T0 + 1000, v1: 7, v2: 3 },
    ]);
  });

  it("fills missing steps: zero requests, but gaps for ratios and latency", () => {
    const s = [series("v1", [point(0, { successRate: 0.5 }), point(3, { successRate: 0.9 })])];
    expect(toChartData(s, "requests", 1).rows.map((r) => r.v1)).toEqual([10, 0, 0, 10]);
    expect(toChartData(s, "success", 1).rows.map((r) => r.v1)).toEqual([50, null, null, 90]);
    // A step with no requests has no success rate, whatever the store put there.
    expect(toChartData([series("v1", [point(0, { requestsPerSecond: 0, successRate: 1 })])], "success", 1).rows[0]!.v1).toBeNull();
  });

  it("draws p50, p95 and p99 per version, told apart by dash", () => {
    const { rows, lines } = toChartData([series("v1", [point(0)]), series("v2", [point(0, { p99Ms: 900 })])], "latency", 1);
    expect(lines.map((l) => l.key)).toEqual(["v1 p50", "v1 p95", "v1 p99", "v2 p50", "v2 p95", "v2 p99"]);
    expect(lines.filter((l) => l.version === "v2").every((l) => l.color === "var(--v1)")).toBe(true);
    expect(lines.find((l) => l.key === "v1 p99")!.dash).toBeUndefined();
    expect(lines.find((l) => l.key === "v1 p50")!.dash).toBeDefined();
    expect(rows[0]).toMatchObject({ "v1 p50": 5, "v1 p95": 20, "v1 p99": 40, "v2 p99": 900 });
  });

  it("does not gap-fill absurd ranges", () => {
    const far = series("v1", [point(0), { ...point(0), t: T0 + (MAX_FILLED_STEPS + 5) * 1000 }]);
    expect(stepTimes([far], 1)).toHaveLength(2);
    expect(stepTimes([series("v1", [point(0), point(2)])], 1)).toEqual([T0, T0 + 1000, T0 + 2000]);
  });
});

describe("summarizeVersions", () => {
  it("counts requests, weights success by requests, keeps the worst p99", () => {
    const [v1] = summarizeVersions({
      stepSeconds: 60,
      byVersion: [series("v1", [point(0, { requests: 60, requestsPerSecond: 1, successRate: 1, p99Ms: 30 }), point(1, { requests: 180, requestsPerSecond: 3, successRate: 0.5, p99Ms: 120 }), point(2, { requests: 0, requestsPerSecond: 0, successRate: null, p99Ms: null })])],
    });
    expect(v1).toMatchObject({ version: "v1", requests: 240, peakP99Ms: 120 });
    expect(v1!.successRate).toBeCloseTo((60 + 90) / 240);
    expect(v1!.requestsPerSecond).toBeCloseTo(240 / 180);
  });

  it("has no success rate or p99 without requests", () => {
    const [v] = summarizeVersions({ stepSeconds: 1, byVersion: [series("v1", [point(0, { requestsPerSecond: 0, successRate: null, p99Ms: null })])] });
    expect(v).toMatchObject({ requests: 0, successRate: null, peakP99Ms: null });
  });
});

describe("formatTick", () => {
  const t = new Date(2025, 0, 6, 9, 5, 7).getTime(); // a Monday, local time
  it("shows seconds for short windows and the weekday for a week", () => {
    expect(formatTick(t, "5m")).toBe("09:05:07");
    expect(formatTick(t, "1h")).toBe("09:05");
    expect(formatTick(t, "24h")).toBe("09:05");
    expect(formatTick(t, "7d")).toBe("Mon 09:05");
  });
});

describe("hasTraffic", () => {
  it("is true as soon as any step of any series carried a request", () => {
    const idle = series("all", [point(0, { requestsPerSecond: 0 })]);
    expect(hasTraffic({ total: idle, byVersion: [] })).toBe(false);
    expect(hasTraffic({ total: idle, byVersion: [series("v2", [point(0, { requestsPerSecond: 0.1 })])] })).toBe(true);
    expect(hasTraffic({ total: series("all", [point(0)]), byVersion: [] })).toBe(true);
  });
});

describe("requests no version served", () => {
  it("are named, drawn in grey, and listed after the versions", () => {
    const s = [series("", [point(0, { requestsPerSecond: 1, successRate: 0 })]), series("v1", [point(0)])];
    const { rows, lines } = toChartData(s, "requests", 1);
    expect(lines.map((l) => [l.key, l.color])).toEqual([
      ["v1", "var(--v0)"],
      [NO_VERSION, "var(--faint)"],
    ]);
    expect(rows[0]).toEqual({ t: T0, v1: 10, [NO_VERSION]: 1 });
    expect(summarizeVersions({ stepSeconds: 1, byVersion: s }).map((v) => v.version)).toEqual(["v1", NO_VERSION]);
    expect(versionLegend(s)).toEqual([
      { version: "v1", color: "var(--v0)" },
      { version: NO_VERSION, color: "var(--faint)" },
    ]);
  });
});

describe("failedRequests", () => {
  it("counts failures from the success rate of every step with requests", () => {
    const total = series("all", [point(0, { requests: 10, requestsPerSecond: 2, successRate: 0.5 }), point(1, { requests: 0, requestsPerSecond: 0, successRate: null }), point(2, { requests: 5, requestsPerSecond: 1, successRate: 1 })]);
    expect(failedRequests({ total })).toBe(5);
  });

  it("counts a partial newest step by its requests, not by its rate over a whole step", () => {
    // 5 s steps; the newest covers 2 s: 4 requests in 2 s, all failed, is 2 req/s but 4 failures (not 10).
    const total = series("all", [point(0, { requests: 10, requestsPerSecond: 2, successRate: 1 }), point(5, { requests: 4, requestsPerSecond: 2, successRate: 0 })]);
    expect(failedRequests({ total })).toBe(4);
  });
});
