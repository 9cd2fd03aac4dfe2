// One trace's spans → the rows of a waterfall: depth-first by parent, siblings by start time, each
// with its offset and width on the trace's time axis (percent), its service's colour slot and, for
// error spans, the failure reason. Spans whose parent never arrived are shown as extra roots
// (marked, except the first: its parent is the outside caller that sent the traceparent), so a
// partial trace still renders; a parent cycle cannot loop. Pure.
import type { Span } from "@weft/contracts";

export interface WaterfallRow {
  span: Span;
  depth: number;
  /** Where the bar starts / how long it is, as percentages of the whole trace. */
  offsetPct: number;
  widthPct: number;
  /** Position of the span's service in `services` (its colour). */
  serviceIndex: number;
  childCount: number;
  /** The parent span is not in the trace (not received, or evicted). */
  orphan: boolean;
  isError: boolean;
  /** The failure reason of an error span: its status message, else its `weft.reason` attribute. */
  reason: string | null;
}

export interface Waterfall {
  rows: WaterfallRow[];
  startUnixMs: number;
  durationMs: number;
  /** Services in order of first appearance down the waterfall. */
  services: string[];
}

function bySpanStart(a: Span, b: Span): number {
  return a.startUnixMs - b.startUnixMs || (a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0);
}

export function errorReason(span: Span): string | null {
  if (span.status !== "error") return null;
  const attr = span.attributes["weft.reason"];
  return span.statusMessage || (attr === undefined ? null : String(attr)) || "error";
}

export function toWaterfall(spans: readonly Span[]): Waterfall {
  if (spans.length === 0) return { rows: [], startUnixMs: 0, durationMs: 0, services: [] };
  const byId = new Map<string, Span>();
  for (const s of spans) if (!byId.has(s.spanId)) byId.set(s.spanId, s);
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const s of byId.values()) {
    const parent = s.parentSpanId && s.parentSpanId !== s.spanId ? byId.get(s.parentSpanId) : undefined;
    if (parent) {
      const list = children.get(parent.spanId) ?? [];
      list.push(s);
      children.set(parent.spanId, list);
    } else roots.push(s);
  }
  for (const list of children.values()) list.sort(bySpanStart);
  roots.sort(bySpanStart);

  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const s of byId.values()) {
    start = Math.min(start, s.startUnixMs);
    end = Math.max(end, s.startUnixMs + Math.max(0, s.durationMs));
  }
  const total = Math.max(end - start, 0.001);

  const rows: WaterfallRow[] = [];
  const services: string[] = [];
  const placed = new Set<string>();
  const emit = (s: Span, depth: number, orphan: boolean) => {
    placed.add(s.spanId);
    let serviceIndex = services.indexOf(s.service);
    if (serviceIndex < 0) serviceIndex = services.push(s.service) - 1;
    const kids = children.get(s.spanId) ?? [];
    rows.push({
      span: s,
      depth,
      offsetPct: ((s.startUnixMs - start) / total) * 100,
      widthPct: (Math.max(0, s.durationMs) / total) * 100,
      serviceIndex,
      childCount: kids.length,
      orphan,
      isError: s.status === "error",
      reason: errorReason(s),
    });
    for (const k of kids) if (!placed.has(k.spanId)) emit(k, depth + 1, false);
  };
  // The first root's missing parent is the caller outside the mesh that sent the traceparent:
  // only later roots are detached pieces.
  roots.forEach((r, i) => emit(r, 0, i > 0 && r.parentSpanId !== null && r.parentSpanId !== ""));
  // Spans only reachable through a parent cycle: show them at the top level rather than lose them.
  for (const s of [...byId.values()].sort(bySpanStart)) if (!placed.has(s.spanId)) emit(s, 0, true);
  return { rows, startUnixMs: start, durationMs: end - start, services };
}

/**
 * The span where the trace's failure started: the deepest error span (its callers failed because
 * of it), the earliest of equals. Null when nothing failed.
 */
export function rootCause(waterfall: Pick<Waterfall, "rows">): WaterfallRow | null {
  let best: WaterfallRow | null = null;
  for (const r of waterfall.rows) {
    if (!r.isError) continue;
    if (!best || r.depth > best.depth || (r.depth === best.depth && r.span.startUnixMs < best.span.startUnixMs)) best = r;
  }
  return best;
}

/** Where a bar's duration text goes: after the bar; inside a long bar that reaches the right edge; else before it. */
export function durationLabelPlace(r: Pick<WaterfallRow, "offsetPct" | "widthPct">): "after" | "inside" | "before" {
  if (r.offsetPct + r.widthPct < 82) return "after";
  return r.widthPct >= 15 ? "inside" : "before";
}

/** Evenly spaced time-axis ticks (ms from the trace start) at a 1-2-5 step, about `target` of them. */
export function axisTicks(durationMs: number, target = 5): number[] {
  if (!(durationMs > 0)) return [0];
  const raw = durationMs / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = 0; t <= durationMs + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** A time-axis label with as many decimals as the tick step needs ("0", "1.5 ms", "0.25 ms", "1.5 s"). */
export function formatAxisMs(ms: number, stepMs: number): string {
  const decimals = (step: number) => Math.min(3, Math.max(0, -Math.floor(Math.log10(step) + 1e-9)));
  if (ms === 0) return "0";
  if (stepMs >= 500) return `${(ms / 1000).toFixed(decimals(stepMs / 1000))} s`;
  return `${ms.toFixed(stepMs > 0 ? decimals(stepMs) : 0)} ms`;
}

/** The span's details for the side panel: well-known attributes first, then the rest by name. */
const FIRST = ["weft.reason", "weft.route", "weft.upstream", "weft.retries", "weft.source", "weft.destination", "weft.destination_version", "http.request.method", "url.path", "http.response.status_code", "rpc.grpc.status_code"];

export function spanAttributes(span: Span): Array<[string, string]> {
  const entries = Object.entries(span.attributes).map(([k, v]) => [k, String(v)] as [string, string]);
  const rank = (k: string) => {
    const i = FIRST.indexOf(k);
    return i < 0 ? FIRST.length : i;
  };
  return entries.sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}
