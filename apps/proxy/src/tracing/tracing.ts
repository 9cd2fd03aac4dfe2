// Tracing of both directions. At request start (the trace layer): continue the caller's trace or
// start one, decide sampling — parent-based: the caller's sampled flag wins; new traces are sampled
// at WEFT_TRACE_SAMPLING — and tell the upstream (`traceparent`; B3 back to B3 callers). Sampled
// requests get one OpenTelemetry span per hop, ended with the Weft attributes when the exchange
// ends; unsampled ones get ids and a header only, never a span object.
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type Tracer } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { AlwaysOnSampler, BasicTracerProvider, RandomIdGenerator } from "@opentelemetry/sdk-trace-base";
import { ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION, ATTR_URL_PATH } from "@opentelemetry/semantic-conventions";
import type { FailureReason, WorkloadIdentity } from "@weft/contracts";
import type { RequestRecord } from "../core/events";
import type { RequestContext } from "../core/request-context";
import { createSpanProcessors, type ExportCounters, type ExportOptions, type OtlpEndpoint } from "./span-export";
import { dropTraceState, formatTraceparent, readTrace, writeB3 } from "./trace-headers";

export interface TracingOptions {
  self: WorkloadIdentity;
  nodeId: string;
  /** Share of new traces (no decision from the caller) that are sampled, 0..1. */
  sampling: number;
  /** Where spans are exported (the controller first). */
  endpoints: readonly OtlpEndpoint[];
  /** Uniform [0, 1) for the sampling decision of new traces. */
  random: () => number;
  export?: ExportOptions;
}

export interface TracingCounters extends ExportCounters {
  /** Requests that got a span. */
  sampled: number;
  /** Requests that did not (ids and headers only). */
  unsampled: number;
}

export interface Tracing {
  /** At request start: trace ids on the context, the upstream's trace headers, the span if sampled. */
  begin(ctx: RequestContext): void;
  /** When a sampled request is over: its attributes, its status (error + reason), its end. */
  end(r: RequestRecord, reason: FailureReason | "", grpcStatus: number): void;
  readonly counters: Readonly<TracingCounters>;
  /** Exports what is queued now (tests; shutdown does it too). */
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** `service.namespace`, or the bare name for identities without one (`external`, `unknown`). */
export function qualifiedName(id: WorkloadIdentity): string {
  return id.namespace === "" ? id.service : `${id.service}.${id.namespace}`;
}

// Semantic convention still in the incubating set.
const ATTR_RPC_GRPC_STATUS_CODE = "rpc.grpc.status_code";

export function createTracing(options: TracingOptions): Tracing {
  const { random } = options;
  const ratio = Math.min(1, Math.max(0, options.sampling));
  const self = qualifiedName(options.self);
  const inboundName = `inbound ${self}`;
  const counters: TracingCounters = { sampled: 0, unsampled: 0, exported: 0, dropped: 0, failed: 0 };
  // At shutdown the queued spans get one attempt each: a collector that is down does not hold the sidecar up.
  const stopping = new AbortController();
  const provider = new BasicTracerProvider({
    // The decision is taken before the tracer is asked (so unsampled requests never reach it).
    sampler: new AlwaysOnSampler(),
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: self,
      [ATTR_SERVICE_VERSION]: options.self.version,
      "service.namespace": options.self.namespace,
      "service.instance.id": options.nodeId,
    }),
    spanProcessors: createSpanProcessors(options.endpoints, counters, { ...options.export, stop: stopping.signal }),
  });
  const tracer: Tracer = provider.getTracer("weft-sidecar");
  const ids = new RandomIdGenerator();

  function sampleNewTrace(): boolean {
    return ratio >= 1 || (ratio > 0 && random() < ratio);
  }

  function startSpan(ctx: RequestContext, parent: typeof ROOT_CONTEXT): void {
    const inbound = ctx.direction === "inbound";
    // Outbound spans are renamed when the destination is known (after routing).
    ctx.span = tracer.startSpan(inbound ? inboundName : "outbound", { kind: inbound ? SpanKind.SERVER : SpanKind.CLIENT, startTime: ctx.startedAt }, parent);
    counters.sampled++;
  }

  return {
    counters,
    begin(ctx) {
      const headers = ctx.headers;
      const incoming = readTrace(headers);
      if (incoming === undefined || incoming.traceId === "") {
        // A new trace: ours is the root span.
        if (incoming === undefined && sampleNewTrace()) {
          startSpan(ctx, ROOT_CONTEXT);
          const sc = ctx.span!.spanContext();
          ctx.traceId = sc.traceId;
          headers.traceparent = formatTraceparent(sc.traceId, sc.spanId, true);
        } else {
          // Unsampled, but still propagated (flag 00) so the next hops agree and logs correlate.
          const traceId = ids.generateTraceId();
          ctx.traceId = traceId;
          headers.traceparent = formatTraceparent(traceId, ids.generateSpanId(), false);
          counters.unsampled++;
        }
        dropTraceState(headers);
        return;
      }
      ctx.traceId = incoming.traceId;
      const sampled = incoming.sampled ?? sampleNewTrace();
      if (!sampled) {
        // Not recorded here: the caller's context travels on unchanged (its span stays the parent).
        if (incoming.sampled === undefined) headers.traceparent = formatTraceparent(incoming.traceId, incoming.spanId, false);
        counters.unsampled++;
        return;
      }
      const parentContext = trace.setSpanContext(incoming.b3 ?? ROOT_CONTEXT, {
        traceId: incoming.traceId,
        spanId: incoming.spanId,
        traceFlags: TraceFlags.SAMPLED,
        isRemote: true,
        ...(incoming.traceState !== undefined ? { traceState: new TraceState(incoming.traceState) } : {}),
      });
      startSpan(ctx, parentContext);
      const sc = ctx.span!.spanContext();
      headers.traceparent = formatTraceparent(sc.traceId, sc.spanId, true);
      if (incoming.format !== "w3c") writeB3(headers, incoming, sc);
    },

    end(r, reason, grpcStatus) {
      const span = r.span;
      if (span === undefined) return;
      if (r.direction === "outbound") span.updateName(`outbound ${qualifiedName(r.destination)}`);
      span.setAttribute("weft.route", r.route?.name ?? "");
      span.setAttribute("weft.upstream", r.endpoint?.key ?? "");
      span.setAttribute("weft.retries", r.attempts > 1 ? r.attempts - 1 : 0);
      span.setAttribute("weft.source", qualifiedName(r.source));
      span.setAttribute("weft.destination", qualifiedName(r.destination));
      span.setAttribute("weft.destination_version", r.destination.version);
      span.setAttribute(ATTR_HTTP_REQUEST_METHOD, r.method);
      span.setAttribute(ATTR_URL_PATH, r.pathOnly);
      if (r.status !== 0) span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, r.status);
      if (grpcStatus >= 0) span.setAttribute(ATTR_RPC_GRPC_STATUS_CODE, grpcStatus);
      if (reason !== "") {
        span.setAttribute("weft.reason", reason);
        span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
      }
      // Performance-clock times: the SDK anchors them to the wall clock.
      span.end(r.startedAt + r.durationMs);
    },

    flush: () => provider.forceFlush(),
    shutdown: () => {
      stopping.abort();
      return provider.shutdown();
    },
  };
}
