// Trace context on the wire: W3C `traceparent`/`tracestate` (what Weft writes) and, for callers
// that speak it, B3 single (`b3`) and multi (`x-b3-*`) headers. Reading is done only when the
// headers are present; W3C parsing is @opentelemetry/core's, B3 is @opentelemetry/propagator-b3's.
import type { IncomingHttpHeaders } from "node:http";
import { ROOT_CONTEXT, TraceFlags, defaultTextMapGetter, defaultTextMapSetter, trace, type Context, type SpanContext } from "@opentelemetry/api";
import { TRACE_PARENT_HEADER, TRACE_STATE_HEADER, parseTraceParent } from "@opentelemetry/core";
import { B3InjectEncoding, B3Propagator, B3_CONTEXT_HEADER, X_B3_FLAGS, X_B3_PARENT_SPAN_ID, X_B3_SAMPLED, X_B3_TRACE_ID } from "@opentelemetry/propagator-b3";

export type TraceFormat = "w3c" | "b3-single" | "b3-multi";

/** The caller's trace context, as received. */
export interface IncomingTrace {
  readonly format: TraceFormat;
  /** 32 hex; "" when the caller asked for no trace at all (`b3: 0`). */
  readonly traceId: string;
  /** The caller's span: the parent of ours. */
  readonly spanId: string;
  /** The caller's decision; undefined when it deferred it (B3 without a sampling state). */
  readonly sampled: boolean | undefined;
  /** `tracestate` (W3C only), passed on untouched. */
  readonly traceState: string | undefined;
  /** B3 only: the extracted context, which carries the debug flag B3 must send back. */
  readonly b3: Context | undefined;
}

const b3Reader = new B3Propagator();
const b3Single = new B3Propagator({ injectEncoding: B3InjectEncoding.SINGLE_HEADER });
const b3Multi = new B3Propagator({ injectEncoding: B3InjectEncoding.MULTI_HEADER });

/** B3's explicit "do not trace" (`b3: 0`): no ids, not sampled. */
const B3_DENY: IncomingTrace = Object.freeze({ format: "b3-single", traceId: "", spanId: "", sampled: false, traceState: undefined, b3: undefined });

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * The trace context of a request: `traceparent` first (an invalid one is ignored, as W3C says),
 * then B3 single, then B3 multi. Undefined when there is none.
 */
export function readTrace(headers: IncomingHttpHeaders): IncomingTrace | undefined {
  const traceparent = headers[TRACE_PARENT_HEADER];
  if (typeof traceparent === "string") {
    const parsed = parseTraceParent(traceparent);
    if (parsed !== null) {
      const state = headers[TRACE_STATE_HEADER];
      return {
        format: "w3c",
        traceId: parsed.traceId,
        spanId: parsed.spanId,
        sampled: (parsed.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
        traceState: typeof state === "string" && state !== "" ? state : undefined,
        b3: undefined,
      };
    }
  }
  const single = first(headers[B3_CONTEXT_HEADER]);
  if (single === undefined && headers[X_B3_TRACE_ID] === undefined) return undefined;
  if (single === "0") return B3_DENY;
  const extracted = b3Reader.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const sc = trace.getSpanContext(extracted);
  if (sc === undefined) return undefined;
  // propagator-b3 reads an absent sampling state as "not sampled"; B3 means "decide yourself".
  const deferred = single !== undefined ? single.split("-").length < 3 : headers[X_B3_SAMPLED] === undefined && headers[X_B3_FLAGS] === undefined;
  return {
    format: single !== undefined ? "b3-single" : "b3-multi",
    traceId: sc.traceId,
    spanId: sc.spanId,
    sampled: deferred ? undefined : (sc.traceFlags & TraceFlags.SAMPLED) === TraceFlags.SAMPLED,
    traceState: undefined,
    b3: extracted,
  };
}

/** `traceparent` for the upstream: version 00, our span as the parent. */
export function formatTraceparent(traceId: string, spanId: string, sampled: boolean): string {
  return sampled ? `00-${traceId}-${spanId}-01` : `00-${traceId}-${spanId}-00`;
}

/** Writes B3 headers for the upstream in the caller's encoding, our span as the parent. */
export function writeB3(headers: IncomingHttpHeaders, incoming: IncomingTrace, span: SpanContext): void {
  const context = trace.setSpanContext(incoming.b3 ?? ROOT_CONTEXT, span);
  if (incoming.format === "b3-single") {
    b3Single.inject(context, headers, defaultTextMapSetter);
    return;
  }
  // The caller's parent id would now be a grandparent: drop it rather than send a wrong one.
  delete headers[X_B3_PARENT_SPAN_ID];
  b3Multi.inject(context, headers, defaultTextMapSetter);
}

/** An invalid or untrusted context is not passed on: our own `traceparent` replaces it. */
export function dropTraceState(headers: IncomingHttpHeaders): void {
  if (headers[TRACE_STATE_HEADER] !== undefined) delete headers[TRACE_STATE_HEADER];
}
