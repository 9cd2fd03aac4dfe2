// OTLP/gRPC span exporter (`opentelemetry.proto.collector.trace.v1.TraceService/Export`) on the
// sidecar's own gRPC client (src/grpc/), for the controller and any `grpc://` / `grpcs://`
// collector. The batch is encoded by OpenTelemetry's own serializer (@opentelemetry/otlp-transformer,
// the one its exporters use); only the transport is the sidecar's, so no sidecar loads @grpc/grpc-js.
// Batches share one connection, closed after a while without any. The serializer (OTLP's generated
// protobuf code) loads with the first batch.
//
// A batch the collector could not take is sent again, as OTLP asks of its exporters ("Failures"):
// on a retryable status (UNAVAILABLE while a controller restarts, and the others below) after an
// exponential backoff with jitter, or after the delay the collector named (google.rpc.RetryInfo),
// for as long as the export deadline leaves room. A batch refused unprocessed (REFUSED_STREAM, a
// GOAWAY) goes again at once, on a new connection, as grpc-js does transparently.
import { ExportResultCode, globalErrorHandler, type ExportResult } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { systemClock, type Clock } from "../core/clock";
import { createBackoff } from "../core/backoff";
import { GrpcStatus } from "../core/grpc";
import { GrpcCallError, unaryCall, type GrpcMethod } from "../grpc/call";
import { GrpcChannel } from "../grpc/channel";
import { retryDelayOf } from "../grpc/retry-info";
import { sleep } from "../resilience/deadline";

const EXPORT: GrpcMethod<Uint8Array, Buffer> = {
  path: "/opentelemetry.proto.collector.trace.v1.TraceService/Export",
  serialize: (bytes) => bytes,
  deserialize: (bytes) => bytes,
};

/** A connection that has carried no batch for this long closes (a batch goes out every second or so while spans are sampled). */
const IDLE_MS = 30_000;
const DEADLINE_MARGIN_MS = 50;
/** Backoff between attempts: equal jitter, nominal 500 ms, 1 s, 2 s, 2 s … (the export deadline, 5 s by default, ends it). */
const BACKOFF = { baseMs: 500, maxMs: 2_000 };
/** OTLP's retryable codes; RESOURCE_EXHAUSTED only when the collector says when (RetryInfo). */
const RETRYABLE = new Set<number>([GrpcStatus.CANCELLED, GrpcStatus.DEADLINE_EXCEEDED, GrpcStatus.ABORTED, GrpcStatus.OUT_OF_RANGE, GrpcStatus.UNAVAILABLE, GrpcStatus.DATA_LOSS]);

export interface OtlpGrpcExporterOptions {
  /** Backoff timers and the export deadline's accounting (tests move a fake one). */
  clock?: Clock;
  /** Uniform [0, 1) for the backoff's jitter. */
  random?: () => number;
  /** Aborted when the sidecar stops: no batch waits for another attempt (the last flush makes one each). */
  stop?: AbortSignal;
}

/** How long to wait before sending a failed batch again, or undefined if it must not be. */
function retryDelay(err: unknown, backoff: ReturnType<typeof createBackoff>): number | undefined {
  if (!(err instanceof GrpcCallError)) return undefined;
  const asked = retryDelayOf(err.statusDetails);
  if (asked !== undefined && (RETRYABLE.has(err.code) || err.code === GrpcStatus.RESOURCE_EXHAUSTED)) return asked;
  return RETRYABLE.has(err.code) ? backoff.next() : undefined;
}

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
  private readonly clock: Clock;
  private readonly random: () => number;
  private readonly inFlight = new Set<Promise<void>>();
  /** Aborted at shutdown (or options.stop): batches waiting to be sent again stop waiting. */
  private readonly stopping = new AbortController();
  private stopped = false;

  /** `url`: `http://host:port` (plaintext) or `https://host:port` (TLS, the system's trusted roots); the scheme's port when none is given. */
  constructor(url: string, timeoutMillis: number, options: OtlpGrpcExporterOptions = {}) {
    const parsed = new URL(url);
    const secure = parsed.protocol === "https:";
    if (!secure && parsed.protocol !== "http:") throw new Error(`"${url}" is not an OTLP/gRPC endpoint (http://host:port or https://host:port)`);
    // URL drops a scheme's default port (grpcs://collector:443 arrives as https://collector:443).
    this.channel = new GrpcChannel(`${parsed.hostname}:${parsed.port || (secure ? "443" : "80")}`, { idleTimeoutMs: IDLE_MS, ...(secure ? { tls: {} } : {}) });
    // A little inside the processor's own export timeout, so the call's DEADLINE_EXCEEDED is what it sees.
    this.deadlineMs = Math.max(1, timeoutMillis - DEADLINE_MARGIN_MS);
    this.clock = options.clock ?? systemClock;
    this.random = options.random ?? Math.random;
    // Created lazily, with the first batch: that may be the one flushed at shutdown, once stopped.
    if (options.stop?.aborted) this.stopping.abort();
    else options.stop?.addEventListener("abort", () => this.stopping.abort(), { once: true });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.stopped) return resultCallback({ code: ExportResultCode.FAILED, error: new Error("the exporter is shut down") });
    // The deadline counts from here, as the processor's own export timeout does (the serializer may still be loading).
    const started = this.clock.now();
    const sent = loadSerializer()
      .then((ser) => {
        const body = ser.serializeRequest(spans);
        if (body === undefined) throw new Error("the spans could not be encoded as OTLP");
        return this.deliver(body, started);
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

  /** Sends one encoded batch, and again while the collector's answer allows it and the deadline leaves room. */
  private async deliver(body: Uint8Array, started: number): Promise<void> {
    const left = () => this.deadlineMs - (this.clock.now() - started);
    const backoff = createBackoff({ ...BACKOFF, random: this.random });
    let refusedOnce = false;
    for (let attempt = 1; ; attempt++) {
      try {
        await unaryCall(this.channel, EXPORT, body, { timeoutMs: Math.max(1, Math.round(left())), clock: this.clock });
        return;
      } catch (err) {
        // Refused unprocessed (REFUSED_STREAM, or the collector's GOAWAY as a controller restarts —
        // then on a new connection): at once, the first time.
        if (err instanceof GrpcCallError && err.notProcessed && !refusedOnce) {
          refusedOnce = true;
          continue;
        }
        const delay = retryDelay(err, backoff);
        const message = err instanceof Error ? err.message : String(err);
        if (delay === undefined) throw attempt === 1 ? err : new Error(`${message} (attempt ${attempt})`);
        const tried = `${attempt} attempt${attempt === 1 ? "" : "s"}`;
        if (delay >= left()) throw new Error(`${message} (${tried}; the next, in ${delay} ms, would pass the ${this.deadlineMs} ms export deadline)`);
        if (!(await sleep(this.clock, delay, this.stopping.signal))) throw new Error(`${message} (${tried}; the sidecar is stopping)`);
      }
    }
  }

  /** Waits for the exports in flight (each bounded by its deadline). */
  async forceFlush(): Promise<void> {
    await Promise.all(this.inFlight);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    await this.forceFlush();
    this.channel.close();
  }
}
