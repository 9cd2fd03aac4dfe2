"use client";
// One time-series chart of a service's versions (recharts): request rate, success rate or latency
// percentiles. Animations off so live refreshes and screenshots are steady; gaps stay gaps.
import type { Series, TimeWindow } from "@weft/contracts";
import { useMemo } from "react";
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from "recharts";
import { formatMs, formatRate, formatSuccess } from "../../ui/format";
import { formatTick, toChartData, type ChartMetric } from "./to-chart-data";

const UNIT: Record<ChartMetric, (v: number) => string> = {
  requests: (v) => `${formatRate(v)} req/s`,
  success: (v) => formatSuccess(v / 100),
  latency: (v) => formatMs(v),
};
const AXIS: Record<ChartMetric, (v: number) => string> = {
  requests: (v) => formatRate(v),
  success: (v) => `${Math.round(v)}%`,
  latency: (v) => formatMs(v).replace(" ", ""),
};

export function MetricChart(props: { title: string; metric: ChartMetric; series: readonly Series[]; stepSeconds: number; window: TimeWindow; testId: string }) {
  const { metric, series, stepSeconds, window } = props;
  const { rows, lines } = useMemo(() => toChartData(series, metric, stepSeconds), [series, metric, stepSeconds]);
  return (
    <figure className="chart" data-testid={props.testId} aria-label={props.title}>
      <figcaption className="chart__title">{props.title}</figcaption>
      <LineChart data={rows} responsive style={{ width: "100%", height: 190 }} margin={{ top: 6, right: 10, bottom: 0, left: 0 }}>
        <CartesianGrid stroke="#e8ebef" vertical={false} />
        <XAxis
          dataKey="t"
          type="number"
          scale="time"
          domain={["dataMin", "dataMax"]}
          tickFormatter={(t: number) => formatTick(t, window)}
          tick={{ fontSize: 11, fill: "#5f6b7a" }}
          tickLine={false}
          axisLine={{ stroke: "#cfd4db" }}
          minTickGap={28}
        />
        <YAxis
          width={48}
          tick={{ fontSize: 11, fill: "#5f6b7a" }}
          tickLine={false}
          axisLine={false}
          tickFormatter={AXIS[metric]}
          domain={metric === "success" ? [(min: number) => Math.max(0, Math.floor(Math.min(min, 99) / 5) * 5), 100] : [0, "auto"]}
          allowDecimals={metric !== "requests"}
        />
        <Tooltip
          isAnimationActive={false}
          labelFormatter={(t) => formatTick(Number(t), window === "7d" ? "7d" : "5m")}
          formatter={(v, name) => [typeof v === "number" ? UNIT[metric](v) : "—", String(name)]}
          contentStyle={{ fontSize: 12, borderRadius: 6, borderColor: "#e2e5ea" }}
        />
        {lines.map((l) => (
          <Line
            key={l.key}
            dataKey={l.key}
            name={l.key}
            type="monotone"
            stroke={l.color}
            strokeWidth={l.percentile && l.percentile !== "p99" ? 1.4 : 2}
            strokeDasharray={l.dash}
            dot={false}
            activeDot={{ r: 3 }}
            isAnimationActive={false}
            connectNulls={false}
          />
        ))}
      </LineChart>
    </figure>
  );
}
