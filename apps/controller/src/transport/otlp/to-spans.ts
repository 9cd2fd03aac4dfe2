// OTLP spans -> Weft's Span contract: hex ids, ms times, flat attributes, the resource's
// service.name as the span's service. Spans without valid ids are refused (counted by the caller).
import type { Span } from "@weft/contracts";
import { int64, type ExportTraceServiceRequest, type OtlpAnyValue, type OtlpKeyValue } from "./otlp-protos";

const KINDS: Span["kind"][] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
/** Longest attribute value kept (characters); longer ones are cut. */
const MAX_ATTRIBUTE_LENGTH = 1024;
const MAX_ATTRIBUTES = 64;

const hex = (b: Uint8Array | null | undefined) => (b && b.length > 0 ? Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("hex") : "");

function valueOf(v: OtlpAnyValue | null | undefined): string | number | boolean {
  if (!v) return "";
  if (v.stringValue !== null && v.stringValue !== undefined) return v.stringValue.slice(0, MAX_ATTRIBUTE_LENGTH);
  if (v.boolValue !== null && v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== null && v.intValue !== undefined) return int64(v.intValue);
  if (v.doubleValue !== null && v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return JSON.stringify((v.arrayValue.values ?? []).map(valueOf)).slice(0, MAX_ATTRIBUTE_LENGTH);
  if (v.kvlistValue) return JSON.stringify(attributesOf(v.kvlistValue.values)).slice(0, MAX_ATTRIBUTE_LENGTH);
  if (v.bytesValue) return hex(v.bytesValue).slice(0, MAX_ATTRIBUTE_LENGTH);
  return "";
}

function attributesOf(kvs: OtlpKeyValue[] | null | undefined): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  let n = 0;
  for (const kv of kvs ?? []) {
    if (!kv.key || n++ >= MAX_ATTRIBUTES) continue;
    out[kv.key] = valueOf(kv.value);
  }
  return out;
}

export function toSpans(req: ExportTraceServiceRequest): { spans: Span[]; invalid: number } {
  const spans: Span[] = [];
  let invalid = 0;
  for (const rs of req.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    const service = typeof resource["service.name"] === "string" ? resource["service.name"] : "unknown";
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        const traceId = hex(s.traceId);
        const spanId = hex(s.spanId);
        if (traceId.length !== 32 || spanId.length !== 16 || /^0+$/.test(traceId)) {
          invalid++;
          continue;
        }
        const start = int64(s.startTimeUnixNano) / 1e6;
        const end = int64(s.endTimeUnixNano) / 1e6;
        const code = s.status?.code ?? 0;
        spans.push({
          traceId,
          spanId,
          parentSpanId: hex(s.parentSpanId) || null,
          name: (s.name ?? "").slice(0, 256),
          service,
          kind: KINDS[s.kind ?? 0] ?? "unspecified",
          startUnixMs: start,
          durationMs: Math.max(0, end - start),
          status: code === 2 ? "error" : code === 1 ? "ok" : "unset",
          statusMessage: (s.status?.message ?? "").slice(0, 256),
          attributes: attributesOf(s.attributes),
        });
      }
    }
  }
  return { spans, invalid };
}
