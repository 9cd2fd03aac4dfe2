// Where sampled spans go: one OpenTelemetry BatchSpanProcessor per OTLP endpoint (the controller by
// default, plus WEFT_OTLP_ENDPOINTS), each with its own bounded queue so a slow collector cannot
// hold up another. A full queue drops the span; drops, exports and failed exports are counted from
// the processor's own self-observability counter (`otel.sdk.processor.span.processed`).
import { createNoopMeter, type Attributes, type Counter, type Meter, type MeterProvider } from "@opentelemetry/api";
import { BatchSpanProcessor, type BufferConfig, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace-base";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { Clock } from "../core/clock";
import { OtlpGrpcExporter, type OtlpGrpcExporterOptions } from "./otlp-grpc-exporter";

/** An OTLP destination: gRPC (`TraceService/Export`) or HTTP (protobuf POST to the URL). */
export interface OtlpEndpoint {
  protocol: "grpc" | "http";
  /** gRPC: `http://host:port` (plaintext) or `https://host:port` (TLS); HTTP: the full URL, e.g. `http://jaeger:4318/v1/traces`. */
  url: string;
}

export interface ExportCounters {
  /** Spans handed to the exporter and accepted by the endpoint. */
  exported: number;
  /** Spans dropped because the queue was full. */
  dropped: number;
  /** Spans in batches the endpoint refused or that timed out. */
  failed: number;
}

export interface ExportOptions {
  /** Spans waiting per endpoint; beyond, new spans are dropped (OpenTelemetry default 2048). */
  maxQueueSize?: number;
  /** Spans per export call (OpenTelemetry default 512). */
  maxExportBatchSize?: number;
  /** How long a span may wait for a batch to fill, ms (OpenTelemetry default 5000; 1000 so traces show up within a second or two). */
  scheduledDelayMs?: number;
  /** Deadline of one export, ms, retries included; it also bounds how long shutdown waits for a collector that is gone. */
  exportTimeoutMs?: number;
  /** OTLP/gRPC: the retries' backoff timers and deadline (tests move a fake one). */
  clock?: Clock;
  /** OTLP/gRPC: uniform [0, 1) for the backoff's jitter. */
  random?: () => number;
  /** OTLP/gRPC: aborted when the sidecar stops, so no batch waits for another attempt. */
  stop?: AbortSignal;
}

const PROCESSED = "otel.sdk.processor.span.processed";

async function createExporter(endpoint: OtlpEndpoint, timeoutMillis: number, retry: OtlpGrpcExporterOptions): Promise<SpanExporter> {
  if (endpoint.protocol === "grpc") {
    return new OtlpGrpcExporter(endpoint.url, timeoutMillis, retry);
  }
  const { OTLPTraceExporter } = await import("@opentelemetry/exporter-trace-otlp-proto");
  return new OTLPTraceExporter({ url: endpoint.url, timeoutMillis });
}

/**
 * The OTLP exporter, loaded with the first batch: the exporters and their generated protobuf code
 * are ~12 MB of a sidecar's memory, spent only once a sampled span is actually exported.
 */
class LazyExporter implements SpanExporter {
  private real: Promise<SpanExporter> | undefined;

  constructor(
    private readonly endpoint: OtlpEndpoint,
    private readonly timeoutMillis: number,
    private readonly retry: OtlpGrpcExporterOptions,
  ) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    const failed = (error: unknown) => resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    const loading = (this.real ??= createExporter(this.endpoint, this.timeoutMillis, this.retry));
    loading.then(
      (exporter) => {
        // A throw here (e.g. while encoding the batch) fails this batch, as it would inside the
        // processor; it must not become an unhandled rejection.
        try {
          exporter.export(spans, resultCallback);
        } catch (error) {
          failed(error);
        }
      },
      (error: unknown) => {
        // Not loaded (or not constructed): this batch fails and the next one tries again.
        if (this.real === loading) this.real = undefined;
        failed(error);
      },
    );
  }

  async shutdown(): Promise<void> {
    await (await this.real?.catch(() => undefined))?.shutdown();
  }

  async forceFlush(): Promise<void> {
    await (await this.real?.catch(() => undefined))?.forceFlush?.();
  }
}

/** A MeterProvider that only listens to the processor's "spans processed" counter. */
function countingMeterProvider(counters: ExportCounters): MeterProvider {
  const noop = createNoopMeter();
  const processed: Counter = {
    add(value: number, attributes?: Attributes) {
      const error = attributes?.["error.type"];
      if (error === undefined) counters.exported += value;
      else if (error === "queue_full") counters.dropped += value;
      else counters.failed += value;
    },
  };
  const meter: Meter = Object.assign(Object.create(noop) as Meter, {
    createCounter: (name: string) => (name === PROCESSED ? processed : noop.createCounter(name)),
  });
  return { getMeter: () => meter };
}

export function createSpanProcessors(endpoints: readonly OtlpEndpoint[], counters: ExportCounters, options: ExportOptions = {}): BatchSpanProcessor[] {
  const timeout = options.exportTimeoutMs ?? 5_000;
  const meterProvider = countingMeterProvider(counters);
  // Every field given, so the processor reads no OTEL_BSP_* variable; selfObsMeterProvider is the
  // SDK's (experimental) hook for its own metrics, not in sdk-trace-base's BufferConfig type.
  const config: BufferConfig & { selfObsMeterProvider: MeterProvider } = {
    maxQueueSize: options.maxQueueSize ?? 2048,
    maxExportBatchSize: options.maxExportBatchSize ?? 512,
    scheduledDelayMillis: options.scheduledDelayMs ?? 1_000,
    exportTimeoutMillis: timeout,
    selfObsMeterProvider: meterProvider,
  };
  const retry: OtlpGrpcExporterOptions = { clock: options.clock, random: options.random, stop: options.stop };
  return endpoints.map((endpoint) => new BatchSpanProcessor(new LazyExporter(endpoint, timeout, retry), { ...config }));
}
