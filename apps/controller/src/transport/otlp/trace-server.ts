// OTLP/gRPC trace receiver (opentelemetry.proto.collector.trace.v1.TraceService/Export) on the
// controller's gRPC port: sidecars export their spans here by default. Spans beyond the caps are
// reported back as OTLP partial success (rejected_spans), as the protocol asks.
import { status, type sendUnaryData, type ServerUnaryCall, type ServiceDefinition, type UntypedServiceImplementation } from "@grpc/grpc-js";
import type { Span } from "@weft/contracts";
import { TraceCodecs, type ExportTraceServiceRequest, type ExportTraceServiceResponse } from "./otlp-protos";
import { toSpans } from "./to-spans";

/** Spans accepted per Export call; OTLP exporters batch 512 by default. */
export const MAX_SPANS_PER_EXPORT = 10_000;

export const TraceServiceDefinition: ServiceDefinition = {
  Export: {
    path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    requestStream: false,
    responseStream: false,
    requestSerialize: (m: ExportTraceServiceRequest) => Buffer.from(TraceCodecs.ExportTraceServiceRequest.encode(m).finish()),
    requestDeserialize: (b: Buffer) => TraceCodecs.ExportTraceServiceRequest.decode(b),
    responseSerialize: (m: ExportTraceServiceResponse) => Buffer.from(TraceCodecs.ExportTraceServiceResponse.encode(m).finish()),
    responseDeserialize: (b: Buffer) => TraceCodecs.ExportTraceServiceResponse.decode(b),
  },
};

export interface OtlpMetrics {
  spansReceived(n: number): void;
  spansDropped(reason: "invalid" | "too_many" | "trace_too_large", n: number): void;
}

export function createTraceImplementation(deps: {
  addSpans(spans: readonly Span[]): { accepted: number; dropped: number };
  metrics?: OtlpMetrics;
  log: { warn(obj: object, msg: string): void };
}): UntypedServiceImplementation {
  return {
    Export(call: ServerUnaryCall<ExportTraceServiceRequest, ExportTraceServiceResponse>, callback: sendUnaryData<ExportTraceServiceResponse>) {
      let spans: Span[];
      let invalid: number;
      try {
        ({ spans, invalid } = toSpans(call.request));
      } catch (err) {
        deps.log.warn({ err, peer: call.getPeer() }, "rejected an OTLP export");
        callback({ code: status.INVALID_ARGUMENT, details: `invalid OTLP trace export: ${(err as Error).message}` });
        return;
      }
      const tooMany = Math.max(0, spans.length - MAX_SPANS_PER_EXPORT);
      if (tooMany > 0) spans = spans.slice(0, MAX_SPANS_PER_EXPORT);
      const { accepted, dropped } = deps.addSpans(spans);
      deps.metrics?.spansReceived(accepted);
      if (invalid) deps.metrics?.spansDropped("invalid", invalid);
      if (tooMany) deps.metrics?.spansDropped("too_many", tooMany);
      if (dropped) deps.metrics?.spansDropped("trace_too_large", dropped);
      const rejected = invalid + tooMany + dropped;
      if (rejected === 0) return callback(null, {});
      const why = [
        invalid ? `${invalid} without a valid trace or span id` : "",
        tooMany ? `${tooMany} beyond ${MAX_SPANS_PER_EXPORT} spans per export` : "",
        dropped ? `${dropped} in traces that reached the per-trace span cap` : "",
      ].filter(Boolean);
      callback(null, { partialSuccess: { rejectedSpans: rejected, errorMessage: `rejected ${why.join(", ")}` } });
    },
  } as UntypedServiceImplementation;
}
