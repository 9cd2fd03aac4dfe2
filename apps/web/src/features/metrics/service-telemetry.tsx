"use client";
// A service's telemetry cards for its page, all over the window the page chose: per-version charts
// (request rate, success rate, p50/p95/p99) with a summary table, the failed requests with their
// reasons, and the service's recent traces. Every empty card says why it is empty.
import type { TimeWindow } from "@weft/contracts";
import Link from "next/link";
import { EmptyState } from "../../ui/empty-state";
import { CheckIcon } from "../../ui/icons";
import { QueryError } from "../../ui/query-state";
import { useNow } from "../../ui/use-now";
import { FailuresPanel } from "../failures/failures-panel";
import { whyEmpty, whyNoTraces } from "../telemetry/empty-reason";
import { TelemetryEmpty } from "../telemetry/telemetry-empty";
import { CHART_WINDOWS, windowOption } from "../telemetry/time-window";
import { useRecentFailures, useServiceMetrics, useTraceSearch } from "../telemetry/use-telemetry";
import { WindowSelect } from "../telemetry/window-select";
import { filtersToParams } from "../traces/trace-filters";
import { TraceTable } from "../traces/trace-table";
import { MetricChart } from "./metric-chart";
import { failedRequests, hasTraffic, PERCENTILES, versionLegend } from "./to-chart-data";
import { VersionSummary } from "./version-summary";

const DASH_SAMPLE: Record<string, string | undefined> = { p50: "2 3", p95: "6 3", p99: undefined };

export interface ServiceRef {
  name: string;
  namespace: string;
}

function stepText(stepSeconds: number): string {
  return stepSeconds >= 60 ? `${stepSeconds / 60} min` : `${stepSeconds} s`;
}

export function TrafficCard({ service, window: w, onWindow }: { service: ServiceRef; window: TimeWindow; onWindow: (w: TimeWindow) => void }) {
  const id = `${service.name}.${service.namespace}`;
  const metrics = useServiceMetrics(service.name, service.namespace, w);
  const m = metrics.data;
  const traffic = m ? hasTraffic(m) : false;
  const empty = m ? whyEmpty({ source: m.source, hasData: traffic, window: w, subject: id }) : null;
  const legend = m ? versionLegend(m.byVersion) : [];
  return (
    <section className="card" aria-labelledby="traffic-title" data-testid="service-traffic">
      <div className="card__header">
        <div>
          <div className="card__title" id="traffic-title">
            Traffic by version
          </div>
          <div className="card__subtitle">
            Requests {id} received over {windowOption(w).phrase}
            {m ? `, one point every ${stepText(m.stepSeconds)}` : ""}, as its sidecars measured them.
          </div>
        </div>
        <WindowSelect value={w} options={CHART_WINDOWS} onChange={onWindow} />
      </div>
      {metrics.isPending ? (
        <div className="charts" aria-busy="true">
          {[0, 1, 2].map((i) => (
            <div key={i} className="chart chart--loading" />
          ))}
        </div>
      ) : !m ? (
        <QueryError what="this service's metrics" error={metrics.error} onRetry={() => void metrics.refetch()} />
      ) : empty ? (
        <TelemetryEmpty reason={empty} />
      ) : (
        <>
          <div className="chart-legend" aria-label="Chart legend">
            {legend.map((v) => (
              <span key={v.version} className="legend__item">
                <span className="chart-legend__line" style={{ background: v.color }} aria-hidden="true" />
                {v.version}
              </span>
            ))}
            <span className="chart-legend__sep" aria-hidden="true" />
            {PERCENTILES.map((p) => (
              <span key={p} className="legend__item">
                <svg width="22" height="6" aria-hidden="true">
                  <line x1="0" y1="3" x2="22" y2="3" stroke="currentColor" strokeWidth="2" strokeDasharray={DASH_SAMPLE[p]} />
                </svg>
                {p}
              </span>
            ))}
            {metrics.isPlaceholderData ? <span className="muted">updating…</span> : null}
          </div>
          <div className="charts">
            <MetricChart title="Requests per second" metric="requests" series={m.byVersion} stepSeconds={m.stepSeconds} window={m.window} testId="chart-requests" />
            <MetricChart title="Success rate" metric="success" series={m.byVersion} stepSeconds={m.stepSeconds} window={m.window} testId="chart-success" />
            <MetricChart title="Latency p50 · p95 · p99" metric="latency" series={m.byVersion} stepSeconds={m.stepSeconds} window={m.window} testId="chart-latency" />
          </div>
          <VersionSummary metrics={m} />
        </>
      )}
    </section>
  );
}

export function FailuresCard({ service, window: w }: { service: ServiceRef; window: TimeWindow }) {
  const id = `${service.name}.${service.namespace}`;
  const phrase = windowOption(w).phrase;
  // Same key as the traffic card: react-query shares the one request.
  const metrics = useServiceMetrics(service.name, service.namespace, w);
  const failures = useRecentFailures(service.name, service.namespace);
  const now = useNow(5_000);
  const m = metrics.data;
  const traffic = m ? hasTraffic(m) : false;
  const explained = m ? m.failuresByReason.reduce((n, f) => n + f.count, 0) : 0;
  // Sidecars that predate failure reasons still count failures: never call those "no failure".
  const total = m ? Math.max(explained, failedRequests(m)) : 0;
  const quiet = m ? whyEmpty({ source: m.source, hasData: traffic, window: w, subject: id }) : null;
  return (
    <section className="card" aria-labelledby="failures-title" data-testid="service-failures">
      <div className="card__header">
        <div>
          <div className="card__title" id="failures-title">
            Failed requests
          </div>
          <div className="card__subtitle">
            {m && traffic
              ? `${total.toLocaleString("en-US")} in ${phrase}${explained > 0 ? ", by reason (choose one to list only those)" : ""}; below, the latest the sidecars sampled.`
              : `Counts by reason over ${phrase}, and the latest failures the sidecars sampled.`}
          </div>
        </div>
      </div>
      {(metrics.isError && !m) || (failures.isError && !failures.data) ? (
        <QueryError what="the failed requests" error={metrics.error ?? failures.error} onRetry={() => void Promise.all([metrics.refetch(), failures.refetch()])} />
      ) : !m || failures.isPending ? (
        <div className="card__body muted" aria-busy="true">
          Loading…
        </div>
      ) : total === 0 && failures.data.length === 0 ? (
        quiet ? (
          <TelemetryEmpty reason={quiet} compact />
        ) : (
          <EmptyState title={`No failed request in ${phrase}`} icon={<CheckIcon size={22} />}>
            Every request {id} received in this window succeeded. Failures show up here with their reason — timeouts, resets, 5xx answers, injected
            faults.
          </EmptyState>
        )
      ) : (
        <FailuresPanel counts={m.failuresByReason} unexplained={total - explained} failures={failures.data} now={now} />
      )}
    </section>
  );
}

export function TracesCard({ service, window: w }: { service: ServiceRef; window: TimeWindow }) {
  const id = `${service.name}.${service.namespace}`;
  const metrics = useServiceMetrics(service.name, service.namespace, w);
  const traces = useTraceSearch({ service: id, status: "any", window: w, limit: 10 });
  const now = useNow(5_000);
  const m = metrics.data;
  return (
    <section className="card" aria-labelledby="traces-title" data-testid="service-traces">
      <div className="card__header">
        <div>
          <div className="card__title" id="traces-title">
            Recent traces
          </div>
          <div className="card__subtitle">
            Requests that passed through {id} in {windowOption(w).phrase}, newest first.
          </div>
        </div>
        <Link className="btn btn--sm" href={`/traces${filtersToParams({ service: id, status: "any", minDurationMs: null, window: w })}`}>
          Search traces
        </Link>
      </div>
      {traces.isError && !traces.data ? (
        <QueryError what="the traces" error={traces.error} onRetry={() => void traces.refetch()} />
      ) : traces.isPending ? (
        <div className="card__body muted" aria-busy="true">
          Loading…
        </div>
      ) : traces.data.length === 0 ? (
        <TelemetryEmpty compact reason={whyNoTraces({ source: m?.source, hasTraffic: m ? hasTraffic(m) : false, window: w, subject: id })} />
      ) : (
        <TraceTable traces={traces.data} now={now} label="Recent traces" />
      )}
    </section>
  );
}
