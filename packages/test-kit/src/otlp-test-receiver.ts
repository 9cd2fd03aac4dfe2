// A real OTLP trace receiver for tests, on 127.0.0.1:0: OTLP/gRPC (`opentelemetry.proto.collector.
// trace.v1.TraceService/Export`, served with @grpc/grpc-js) or OTLP/HTTP (protobuf POST to
// /v1/traces). Requests are decoded with the protobufjs root that @opentelemetry/otlp-transformer
// 0.57.2 generates (no hand-written protos) and kept as flat spans. `hold()` stops answering, like
// a collector that hangs, until `release()`.
import * as grpc from "@grpc/grpc-js";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import otlpRoot from "@opentelemetry/otlp-transformer/build/src/generated/root";

export type AttributeValue = string | number | boolean;

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  /** "" for a root span. */
  parentSpanId: string;
  traceState: string;
  name: string;
  kind: "unspecified" | "internal" | "server" | "client" | "producer" | "consumer";
  startUnixMs: number;
  endUnixMs: number;
  status: { code: "unset" | "ok" | "error"; message: string };
  attributes: Record<string, AttributeValue>;
  /** Resource attributes of the exporting process (service.name, …). */
  resource: Record<string, AttributeValue>;
}

interface MessageType {
  decode(data: Uint8Array): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  create(properties?: unknown): unknown;
}

const types = (otlpRoot as unknown as { opentelemetry: { proto: { collector: { trace: { v1: Record<string, MessageType> } } } } }).opentelemetry.proto.collector.trace.v1;
const Request = types.ExportTraceServiceRequest!;
const Response = types.ExportTraceServiceResponse!;
const KINDS: ReceivedSpan["kind"][] = ["unspecified", "internal", "server", "client", "producer", "consumer"];
const STATUS: ReceivedSpan["status"]["code"][] = ["unset", "ok", "error"];

interface WireValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: number | { toString(): string } | null;
  doubleValue?: number | null;
}
interface WireKeyValue {
  key: string;
  value?: WireValue;
}

const hex = (bytes: Uint8Array | undefined) => (bytes && bytes.length > 0 ? Buffer.from(bytes).toString("hex") : "");
const nanosToMs = (v: number | { toString(): string } | undefined) => (v === undefined ? 0 : Number(BigInt(v.toString()) / 1000n) / 1000);

function attributes(list: WireKeyValue[] | undefined): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of list ?? []) {
    const v = kv.value ?? {};
    // Unset oneof members decode as null (protobufjs prototype defaults).
    if (v.stringValue != null) out[kv.key] = v.stringValue;
    else if (v.boolValue != null) out[kv.key] = v.boolValue;
    else if (v.intValue != null) out[kv.key] = Number(v.intValue.toString());
    else if (v.doubleValue != null) out[kv.key] = v.doubleValue;
  }
  return out;
}

/** Flat spans of an encoded ExportTraceServiceRequest. */
export function decodeExportTraceRequest(data: Uint8Array): ReceivedSpan[] {
  const request = Request.decode(data) as {
    resourceSpans?: Array<{
      resource?: { attributes?: WireKeyValue[] };
      scopeSpans?: Array<{
        spans?: Array<{
          traceId?: Uint8Array;
          spanId?: Uint8Array;
          parentSpanId?: Uint8Array;
          traceState?: string;
          name?: string;
          kind?: number;
          startTimeUnixNano?: number | { toString(): string };
          endTimeUnixNano?: number | { toString(): string };
          attributes?: WireKeyValue[];
          status?: { code?: number; message?: string };
        }>;
      }>;
    }>;
  };
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributes(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) {
        out.push({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          parentSpanId: hex(s.parentSpanId),
          traceState: s.traceState ?? "",
          name: s.name ?? "",
          kind: KINDS[s.kind ?? 0] ?? "unspecified",
          startUnixMs: nanosToMs(s.startTimeUnixNano),
          endUnixMs: nanosToMs(s.endTimeUnixNano),
          status: { code: STATUS[s.status?.code ?? 0] ?? "unset", message: s.status?.message ?? "" },
          attributes: attributes(s.attributes),
          resource,
        });
      }
    }
  }
  return out;
}

/** The TraceService definition for a grpc.Server (no .proto files: protobufjs codecs). */
export const otlpTraceServiceDefinition: grpc.ServiceDefinition = {
  Export: {
    path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
    requestStream: false,
    responseStream: false,
    requestSerialize: (value: unknown) => Buffer.from(Request.encode(value).finish()),
    requestDeserialize: (bytes: Buffer) => bytes,
    responseSerialize: (value: unknown) => Buffer.from(Response.encode(value).finish()),
    responseDeserialize: (bytes: Buffer) => Response.decode(bytes),
  },
};

/** Collects spans and lets tests wait for them; shared by the receiver and the test ADS server. */
export interface SpanSink {
  readonly spans: readonly ReceivedSpan[];
  /** Export calls received (answered or held). */
  readonly exports: number;
  /** Resolves with the received spans (from index `from`) once `count` (default 1) match `pred`. */
  waitForSpans(pred: (s: ReceivedSpan) => boolean, options?: { count?: number; from?: number; timeoutMs?: number }): Promise<ReceivedSpan[]>;
}

export function createSpanSink(): SpanSink & { add(spans: ReceivedSpan[]): void; countExport(): void; close(): void } {
  const spans: ReceivedSpan[] = [];
  const waiters = new Set<() => void>();
  let exports = 0;
  return {
    spans,
    get exports() {
      return exports;
    },
    add(received) {
      spans.push(...received);
      for (const w of [...waiters]) w();
    },
    countExport() {
      exports++;
    },
    waitForSpans(pred, o = {}) {
      const count = o.count ?? 1;
      const timeoutMs = o.timeoutMs ?? 5000;
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = spans.slice(o.from ?? 0).filter(pred);
          if (found.length < count) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`otlp receiver: timed out after ${timeoutMs} ms waiting for ${count} matching span(s); received ${spans.length}: ${JSON.stringify(spans.map((s) => s.name)).slice(0, 1000)}`));
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    close() {
      waiters.clear();
    },
  };
}

/** Serves TraceService/Export on `server`, into `sink`. `held` (when given) parks calls instead of answering. */
export function addOtlpTraceService(server: grpc.Server, sink: ReturnType<typeof createSpanSink>, held?: { on: boolean; parked: Array<() => void> }): void {
  server.addService(otlpTraceServiceDefinition, {
    Export(call: grpc.ServerUnaryCall<Buffer, unknown>, callback: grpc.sendUnaryData<unknown>) {
      sink.countExport();
      const answer = () => {
        sink.add(decodeExportTraceRequest(call.request));
        callback(null, Response.create({}));
      };
      if (held?.on) held.parked.push(answer);
      else answer();
    },
  });
}

export interface OtlpTestReceiver extends SpanSink {
  protocol: "grpc" | "http";
  port: number;
  /** What a sidecar's WEFT_OTLP_ENDPOINTS takes: `grpc://127.0.0.1:<port>` or `http://127.0.0.1:<port>/v1/traces`. */
  endpoint: string;
  /** Stop answering export calls (they wait) until release(). */
  hold(): void;
  /** Answer (and record) every held call, and the next ones at once. */
  release(): void;
  close(): Promise<void>;
}

export async function startOtlpTestReceiver(options: { protocol?: "grpc" | "http" } = {}): Promise<OtlpTestReceiver> {
  const protocol = options.protocol ?? "grpc";
  const sink = createSpanSink();
  const held = { on: false, parked: [] as Array<() => void> };
  const receiver = (port: number, endpoint: string, close: () => Promise<void>): OtlpTestReceiver => ({
    protocol,
    port,
    endpoint,
    get spans() {
      return sink.spans;
    },
    get exports() {
      return sink.exports;
    },
    waitForSpans: sink.waitForSpans,
    hold() {
      held.on = true;
    },
    release() {
      held.on = false;
      for (const answer of held.parked.splice(0)) answer();
    },
    async close() {
      sink.close();
      held.parked.length = 0;
      await close();
    },
  });

  if (protocol === "grpc") {
    const server = new grpc.Server();
    addOtlpTraceService(server, sink, held);
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
    );
    return receiver(port, `grpc://127.0.0.1:${port}`, async () => server.forceShutdown());
  }

  const server: Server = createServer((req, res) => {
    if (req.method !== "POST" || req.url !== "/v1/traces") {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      sink.countExport();
      const answer = () => {
        try {
          sink.add(decodeExportTraceRequest(Buffer.concat(chunks)));
        } catch (err) {
          res.writeHead(400, { "content-type": "text/plain" }).end(String(err));
          return;
        }
        const body = Buffer.from(Response.encode(Response.create({})).finish());
        res.writeHead(200, { "content-type": "application/x-protobuf", "content-length": body.length }).end(body);
      };
      if (held.on) held.parked.push(answer);
      else answer();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return receiver(
    port,
    `http://127.0.0.1:${port}/v1/traces`,
    () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  );
}
