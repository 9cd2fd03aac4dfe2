// OTLP trace protobufs without hand-written .proto files: the generated protobufjs codecs shipped
// in @opentelemetry/otlp-transformer (CommonJS, no exports map, hence createRequire).
import { createRequire } from "node:module";

export interface Long {
  toNumber(): number;
}
type Int64 = number | string | Long;

export interface OtlpAnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64 | null;
  doubleValue?: number | null;
  arrayValue?: { values?: OtlpAnyValue[] | null } | null;
  kvlistValue?: { values?: OtlpKeyValue[] | null } | null;
  bytesValue?: Uint8Array | null;
}
export interface OtlpKeyValue {
  key?: string | null;
  value?: OtlpAnyValue | null;
}
export interface OtlpSpan {
  traceId?: Uint8Array | null;
  spanId?: Uint8Array | null;
  parentSpanId?: Uint8Array | null;
  name?: string | null;
  kind?: number | null;
  startTimeUnixNano?: Int64 | null;
  endTimeUnixNano?: Int64 | null;
  attributes?: OtlpKeyValue[] | null;
  status?: { code?: number | null; message?: string | null } | null;
}
export interface ExportTraceServiceRequest {
  resourceSpans?: Array<{
    resource?: { attributes?: OtlpKeyValue[] | null } | null;
    scopeSpans?: Array<{ spans?: OtlpSpan[] | null }> | null;
  }> | null;
}
export interface ExportTraceServiceResponse {
  partialSuccess?: { rejectedSpans?: number; errorMessage?: string };
}

interface Codec<T> {
  decode(buf: Uint8Array): T;
  encode(message: T): { finish(): Uint8Array };
}

const root = createRequire(import.meta.url)("@opentelemetry/otlp-transformer/build/src/generated/root") as {
  opentelemetry: { proto: { collector: { trace: { v1: { ExportTraceServiceRequest: Codec<ExportTraceServiceRequest>; ExportTraceServiceResponse: Codec<ExportTraceServiceResponse> } } } } };
};

export const TraceCodecs = root.opentelemetry.proto.collector.trace.v1;

export function int64(v: Int64 | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === "number") return v;
  if (typeof v === "string") return Number(v);
  return v.toNumber();
}
