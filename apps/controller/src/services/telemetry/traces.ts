// Recent traces from the spans sidecars export over OTLP: grouped by trace id, bounded by count,
// spans and approximate bytes (oldest trace evicted first), searchable, readable as a span tree.
// In memory only — a restart starts empty; long-term trace storage belongs to an OTLP backend
// (Jaeger, Tempo) the sidecars also export to.
import type { z } from "zod";
import { WINDOW_SECONDS, type Span, type Trace, type TraceSearchInput, type TraceSummary } from "@weft/contracts";

export interface TraceLimits {
  maxTraces: number;
  maxSpans: number;
  /** Approximate heap bytes of the stored spans. */
  maxBytes: number;
  maxSpansPerTrace: number;
}

export const DEFAULT_TRACE_LIMITS: TraceLimits = { maxTraces: 10_000, maxSpans: 100_000, maxBytes: 64 * 1024 * 1024, maxSpansPerTrace: 1_000 };

interface Entry {
  spans: Span[];
  bytes: number;
  summary: TraceSummary | null;
}

/** Rough heap cost of a span, bytes (strings are UTF-16 in V8). */
function bytesOf(s: Span): number {
  let n = 160 + 2 * (s.traceId.length + s.spanId.length + (s.parentSpanId?.length ?? 0) + s.name.length + s.service.length + s.statusMessage.length);
  for (const k in s.attributes) {
    const v = s.attributes[k]!;
    n += 48 + 2 * k.length + (typeof v === "string" ? 2 * v.length : 8);
  }
  return n;
}

function summarize(traceId: string, spans: Span[]): TraceSummary {
  const ids = new Set(spans.map((s) => s.spanId));
  let root: Span | undefined;
  let start = Infinity;
  let end = -Infinity;
  let firstError: Span | undefined;
  const services: string[] = [];
  for (const s of [...spans].sort((a, b) => a.startUnixMs - b.startUnixMs)) {
    start = Math.min(start, s.startUnixMs);
    end = Math.max(end, s.startUnixMs + s.durationMs);
    if (!root && (s.parentSpanId === null || !ids.has(s.parentSpanId))) root = s;
    if (!firstError && s.status === "error") firstError = s;
    if (!services.includes(s.service)) services.push(s.service);
  }
  root ??= spans[0]!;
  return {
    traceId,
    rootService: root.service,
    rootName: root.name,
    startUnixMs: start,
    durationMs: end - start,
    spanCount: spans.length,
    services,
    status: firstError ? "error" : "ok",
    errorReason: firstError ? firstError.statusMessage || null : null,
  };
}

/** Parents before children, siblings by start time; spans whose parent is missing are roots. */
function treeOrder(spans: Span[]): Span[] {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string | null, Span[]>();
  for (const s of spans) {
    const parent = s.parentSpanId !== null && ids.has(s.parentSpanId) ? s.parentSpanId : null;
    const list = children.get(parent) ?? [];
    list.push(s);
    children.set(parent, list);
  }
  const out: Span[] = [];
  const seen = new Set<Span>();
  const visit = (parent: string | null) => {
    for (const s of (children.get(parent) ?? []).sort((a, b) => a.startUnixMs - b.startUnixMs)) {
      if (seen.has(s)) continue;
      seen.add(s);
      out.push(s);
      visit(s.spanId);
    }
  };
  visit(null);
  // Spans in a parent cycle (malformed input) are never reached from a root: list them last.
  for (const s of spans) if (!seen.has(s)) out.push(s);
  return out;
}

export type TraceStore = ReturnType<typeof createTraceStore>;

export function createTraceStore(limits: TraceLimits = DEFAULT_TRACE_LIMITS) {
  const traces = new Map<string, Entry>();
  let spanCount = 0;
  let bytes = 0;

  function evictOldest(): void {
    const first = traces.entries().next();
    if (first.done) return;
    const [id, entry] = first.value;
    traces.delete(id);
    spanCount -= entry.spans.length;
    bytes -= entry.bytes;
  }

  return {
    /** Stores spans; returns how many were dropped (trace too large). */
    add(spans: readonly Span[]): { accepted: number; dropped: number } {
      let accepted = 0;
      let dropped = 0;
      for (const span of spans) {
        let entry = traces.get(span.traceId);
        if (!entry) {
          entry = { spans: [], bytes: 0, summary: null };
          traces.set(span.traceId, entry);
        }
        if (entry.spans.length >= limits.maxSpansPerTrace) {
          dropped++;
          continue;
        }
        const b = bytesOf(span);
        entry.spans.push(span);
        entry.bytes += b;
        entry.summary = null;
        spanCount++;
        bytes += b;
        accepted++;
        while (traces.size > limits.maxTraces || spanCount > limits.maxSpans || bytes > limits.maxBytes) evictOldest();
      }
      return { accepted, dropped };
    },

    /** Newest first. `service` matches "<service>.<namespace>" or a bare service name. */
    search(input: z.output<typeof TraceSearchInput>, nowMs: number): TraceSummary[] {
      const since = nowMs - WINDOW_SECONDS[input.window] * 1000;
      const out: TraceSummary[] = [];
      for (const [id, entry] of traces) {
        const summary = (entry.summary ??= summarize(id, entry.spans));
        if (summary.startUnixMs < since) continue;
        if (input.status !== "any" && summary.status !== input.status) continue;
        if (input.minDurationMs !== undefined && summary.durationMs < input.minDurationMs) continue;
        if (input.service !== undefined && !summary.services.some((s) => s === input.service || s.startsWith(`${input.service}.`))) continue;
        out.push(summary);
      }
      return out.sort((a, b) => b.startUnixMs - a.startUnixMs).slice(0, input.limit);
    },

    byId(traceId: string): Trace | null {
      const entry = traces.get(traceId.toLowerCase());
      return entry ? { traceId: traceId.toLowerCase(), spans: treeOrder(entry.spans) } : null;
    },

    sizes: () => ({ traces: traces.size, spans: spanCount, approxBytes: bytes }),
  };
}
