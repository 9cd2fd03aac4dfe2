"use client";
// /traces: search the traces the controller keeps — by service, status, minimum duration and
// window — newest first. The filters live in the URL, so a search can be shared.
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../trpc/client";
import { PageHeader } from "../../ui/page-header";
import { Segmented } from "../../ui/segmented";
import { LoadingRows, QueryError } from "../../ui/query-state";
import { useNow } from "../../ui/use-now";
import { whyNoTraces } from "../telemetry/empty-reason";
import { TelemetryEmpty } from "../telemetry/telemetry-empty";
import { useTraceSearch } from "../telemetry/use-telemetry";
import { WindowSelect } from "../telemetry/window-select";
import { filtersToParams, isFiltered, parseMinDuration, toSearchInput, TRACE_WINDOWS, type TraceFilters, type TraceStatus } from "./trace-filters";
import { TraceTable } from "./trace-table";

const LIMIT = 50;
const STATUSES: Array<{ value: TraceStatus; label: string }> = [
  { value: "any", label: "Any" },
  { value: "ok", label: "OK" },
  { value: "error", label: "Error" },
];

export function TracesPage({ initialFilters, problems }: { initialFilters: TraceFilters; problems: string[] }) {
  const trpc = useTRPC();
  const [filters, setFilters] = useState(initialFilters);
  const [minText, setMinText] = useState(initialFilters.minDurationMs === null ? "" : String(initialFilters.minDurationMs));
  const minParsed = parseMinDuration(minText);
  const traces = useTraceSearch(toSearchInput(filters, LIMIT));
  const services = useQuery(trpc.services.list.queryOptions(undefined, { staleTime: 30_000 }));
  // Whether sidecars reported and traffic flowed in the window, to explain an empty list.
  const graph = useQuery(trpc.graph.get.queryOptions({ window: filters.window }, { staleTime: 15_000, placeholderData: (prev) => prev }));
  const now = useNow(5_000);

  const update = (next: Partial<TraceFilters>) => {
    const merged = { ...filters, ...next };
    setFilters(merged);
    window.history.replaceState(window.history.state, "", `${window.location.pathname}${filtersToParams(merged)}`);
  };
  const commitMin = () => {
    if (minParsed.ok && minParsed.value !== filters.minDurationMs) update({ minDurationMs: minParsed.value });
  };

  const serviceIds = [...new Set([...(services.data ?? []).map((s) => `${s.name}.${s.namespace}`), ...(filters.service ? [filters.service] : [])])].sort();
  const list = traces.data ?? [];
  const empty =
    list.length > 0
      ? null
      : whyNoTraces({
          source: graph.data?.source,
          hasTraffic: (graph.data?.edges.length ?? 0) > 0,
          window: filters.window,
          filtered: isFiltered(filters),
          reportingProxies: graph.data?.reportingProxies,
        });

  return (
    <div className="page">
      <PageHeader title="Traces" description="Requests followed hop by hop across the mesh: each sidecar exports a span per hop over OTLP, the controller joins them by trace id." />

      {problems.length > 0 ? (
        <div className="alert alert--warn" role="status">
          <span>
            <strong>Some filters in the link were ignored:</strong> {problems.join("; ")}.
          </span>
        </div>
      ) : null}

      <section className="card">
        <form
          className="filters"
          aria-label="Trace filters"
          onSubmit={(e) => {
            e.preventDefault();
            commitMin();
          }}
        >
          <div className="field">
            <label className="field__label" htmlFor="trace-service">
              Service
            </label>
            <select id="trace-service" className="input" value={filters.service} onChange={(e) => update({ service: e.target.value })}>
              <option value="">Every service</option>
              {serviceIds.map((id) => (
                <option key={id} value={id}>
                  {id}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <span className="field__label" id="status-label">
              Status
            </span>
            <Segmented value={filters.status} options={STATUSES} onChange={(status) => update({ status })} labelledBy="status-label" />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="trace-min">
              Min duration (ms)
            </label>
            <input
              id="trace-min"
              className="input filters__min"
              inputMode="decimal"
              placeholder="any"
              value={minText}
              aria-invalid={!minParsed.ok}
              aria-describedby={!minParsed.ok ? "min-error" : undefined}
              onChange={(e) => setMinText(e.target.value)}
              onBlur={commitMin}
            />
            {!minParsed.ok ? (
              <span className="field__error" id="min-error">
                {minParsed.error}
              </span>
            ) : null}
          </div>
          <div className="field">
            <span className="field__label">Window</span>
            <WindowSelect value={filters.window} options={TRACE_WINDOWS} onChange={(w) => update({ window: w })} />
          </div>
        </form>

        <div className="card__body--flush">
          {traces.isPending || (traces.data?.length === 0 && graph.isPending) ? (
            <LoadingRows columns={6} />
          ) : traces.isError && !traces.data ? (
            <QueryError what="traces" error={traces.error} onRetry={() => void traces.refetch()} />
          ) : empty ? (
            <TelemetryEmpty reason={empty} />
          ) : (
            <>
              <div className="filters__count muted" role="status">
                {list.length === LIMIT ? `The newest ${LIMIT} traces` : `${list.length} ${list.length === 1 ? "trace" : "traces"}`}, newest first
                {traces.isPlaceholderData ? " · updating…" : ""}
              </div>
              <TraceTable traces={list} now={now} />
            </>
          )}
        </div>
      </section>
    </div>
  );
}
