// OTLP/gRPC span exporter (`opentelemetry.proto.collector.trace.v1.TraceService/Export`) on the
// sidecar's own gRPC client (src/grpc/), for the controller and any `grpc://` / `grpcs://`
// collector. The batch is encoded by OpenTelemetry's own serializer (@opentelemetry/otlp-transformer,
// the one its exporters use); only the transport is the sidecar's, so no sidecar loads @grpc/grpc-js.
// Batches share one connection, closed after a while without any. The serializer (OTLP's generated
// protobuf code) loads with the first batch.
import { ExportResultCode, globalErrorHandler, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { GrpcCallError, unaryCall, type GrpcMethod } from "../grpc/call";
import { GrpcChannel } from "../grpc/channel";

const EXPORT: GrpcMethod<Uint8Array, Buffer> = {
  path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
  serialize: (bytes) => bytes,
  deserialize: (bytes) => bytes,
};

/** A connection that has carried no batch for this long closes (a batch goes out every second or so while spans are sampled). */
const IDLE_MS = 30_000;
const DEADLINE_MARGIN_MS = 50;

type Serializer = (typeof import("@opentelemetry/otlp-transformer"))["ProtobufTraceSerializer"];
let serializer: Promise<Serializer> | undefined;
// Imported here, not the exporter module from span-export.ts: a module bundled for import() takes
// every module it imports out of tree-shaking (esbuild), which would bundle all of @weft/contracts.
const loadSerializer = () =>
  (serializer ??= import("@opentelemetry/otlp-transformer").then(
    (m) => m.ProtobufTraceSerializer,
    (err: unknown) => {
      serializer = undefined; // not loaded: the next batch tries again
      throw err;
    },
  ));

export class OtlpGrpcExporter implements SpanExporter {
  private readonly channel: GrpcChannel;
  private readonly deadlineMs: number;
  private readonly inFlight = new Set<Promise<void>>();
  private stopped = false;

  /** `url`: `http://host:port` (plaintext) or `https://host:port` (TLS, the system's trusted roots); the scheme's port when none is given. */
  constructor(url: string, timeoutMillis: number) {
    const parsed = new URL(url);
    const secure = parsed.protocol === "https:";
    if (!secure && parsed.protocol !== "http:") throw new Error(`"${url}" is not an OTLP/gRPC endpoint (http://host:port or https://host:port)`);
    // URL drops a scheme's default port (grpcs://collector:443 arrives as https://collector:443).
    this.channel = new GrpcChannel(`${parsed.hostname}:${parsed.port || (secure ? "443" : "80")}`, { idleTimeoutMs: IDLE_MS, ...(secure ? { tls: {} } : {}) });
    // A little inside the processor's own export timeout, so the call's DEADLINE_EXCEEDED is what it sees.
    this.deadlineMs = Math.max(1, timeoutMillis - DEADLINE_MARGIN_MS);
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) return resultCallback({ code: ExportResultCode.FAILED, error: new Error("the exporter is shut down") });
    const sent = loadSerializer()
      .then((ser) => {
        const body = ser.serializeRequest(spans);
        if (body === undefined) throw new Error("the spans could not be encoded as OTLP");
        const started = performance.now();
        const send = () => unaryCall(this.channel, EXPORT, body, { timeoutMs: Math.max(1, Math.round(this.deadlineMs - (performance.now() - started))) });
        // Refused unprocessed (REFUSED_STREAM, or the collector's GOAWAY as a controller restarts —
        // then on a new connection): once more, as grpc-js does transparently.
        return send().catch((err: unknown) => {
          if (err instanceof GrpcCallError && err.notProcessed) return send();
          throw err;
        });
      })
      .then(
        // A partial success still delivered the batch; the collector's reason is not the sidecar's to act on.
        () => resultCallback({ code: ExportResultCode.SUCCESS }),
        (error: unknown) => {
          resultCallback({ code: ExportResultCode.FAILED, error: new Error(`OTLP export to ${this.channel.address}: ${(error as Error | undefined)?.message ?? String(error)}`) });
        },
      )
      // A throwing resultCallback is the processor's; never an unhandled rejection here.
      .catch(globalErrorHandler);
    this.inFlight.add(sent);
    void sent.finally(() => this.inFlight.delete(sent));
  }

  /** Waits for the exports in flight (each bounded by its deadline). */
  async forceFlush(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    await this.forceFlush();
    this.channel.close();
  }
}
