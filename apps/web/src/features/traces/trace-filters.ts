// The trace search form's state ↔ the page URL (`/traces?service=catalog.default&status=error&min=50&window=1h`)
// ↔ the API's TraceSearchInput. Bad values in a hand-edited URL are dropped with a message naming
// the field, never sent. Pure.
import type { TimeWindow } from "@weft/contracts";
import { CHART_WINDOWS, windowFromParam, type WindowOption } from "../telemetry/time-window";

export type TraceStatus = "any" | "ok" | "error";

export interface TraceFilters {
  /** "<service>.<namespace>" as spans name it; "" for every service. */
  service: string;
  status: TraceStatus;
  /** Minimum trace duration in ms; null for no minimum. */
  minDurationMs: number | null;
  window: TimeWindow;
}

export const TRACE_WINDOWS: readonly WindowOption[] = CHART_WINDOWS;
export const DEFAULT_TRACE_FILTERS: TraceFilters = { service: "", status: "any", minDurationMs: null, window: "1h" };

/** A minimum-duration field's text → ms, or a message naming the field. */
export function parseMinDuration(text: string): { ok: true; value: number | null } | { ok: false; error: string } {
  const t = text.trim();
  if (t === "") return { ok: true, value: null };
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0) return { ok: false, error: "min duration: must be a number of milliseconds, 0 or more" };
  return { ok: true, value: n };
}

export function filtersFromParams(params: URLSearchParams): { filters: TraceFilters; problems: string[] } {
  const problems: string[] = [];
  const status = params.get("status");
  const min = parseMinDuration(params.get("min") ?? "");
  if (!min.ok) problems.push(min.error);
  if (status && status !== "any" && status !== "ok" && status !== "error") problems.push(`status: must be any, ok or error (got "${status}")`);
  return {
    filters: {
      service: (params.get("service") ?? "").trim(),
      status: status === "ok" || status === "error" ? status : "any",
      minDurationMs: min.ok ? min.value : null,
      window: windowFromParam(params.get("window"), TRACE_WINDOWS, DEFAULT_TRACE_FILTERS.window),
    },
    problems,
  };
}

export function filtersToParams(f: TraceFilters): string {
  const p = new URLSearchParams();
  if (f.service) p.set("service", f.service);
  if (f.status !== "any") p.set("status", f.status);
  if (f.minDurationMs !== null) p.set("min", String(f.minDurationMs));
  if (f.window !== DEFAULT_TRACE_FILTERS.window) p.set("window", f.window);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/** The narrowing the operator asked for (beyond the window), to tell "no match" from "no traffic". */
export function isFiltered(f: TraceFilters): boolean {
  return f.service !== "" || f.status !== "any" || f.minDurationMs !== null;
}

/** The API input (TraceSearchInput) for the filters. */
export function toSearchInput(f: TraceFilters, limit = 50): { service?: string; status: TraceStatus; minDurationMs?: number; window: TimeWindow; limit: number } {
  return {
    ...(f.service ? { service: f.service } : {}),
    status: f.status,
    ...(f.minDurationMs !== null ? { minDurationMs: f.minDurationMs } : {}),
    window: f.window,
    limit,
  };
}
