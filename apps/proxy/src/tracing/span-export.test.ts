import { createServer, type AddressInfo } from "node:net";
import { constants, createServer as createH2Server } from "node:http2";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { describe, expect, it } from "vitest";
import { createSpanProcessors, type ExportCounters } from "./span-export";

describe("span export", () => {
  it("an endpoint whose exporter cannot be created fails its batches, tries again with the next, and never throws", async () => {
    const counters: ExportCounters = { exported: 0, dropped: 0, failed: 0 };
    const processors = createSpanProcessors([{ protocol: "http", url: "http://[not-a-url" }], counters, { scheduledDelayMs: 60_000 });
    const tracer = new BasicTracerProvider({ spanProcessors: processors }).getTracer("test");
    for (const expected of [1, 2]) {
      tracer.startSpan(`request ${expected}`).end();
      // The processor's flush reports the failed batch; the counters say what happened to it.
      await expect(processors[0]!.forceFlush()).rejects.toThrow("Could not parse user-provided export URL");
      expect(counters).toEqual({ exported: 0, dropped: 0, failed: expected });
    }
    await Promise.all(processors.map((p) => p.shutdown()));
  });
});

describe("OTLP/gRPC export", () => {
  it("a batch to an endpoint where nothing listens fails, is counted, and says where it went", async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const counters: ExportCounters = { exported: 0, dropped: 0, failed: 0 };
    const processors = createSpanProcessors([{ protocol: "grpc", url: `http://127.0.0.1:${port}` }], counters, { scheduledDelayMs: 60_000 });
    const tracer = new BasicTracerProvider({ spanProcessors: processors }).getTracer("test");
    tracer.startSpan("request").end();
    await expect(processors[0]!.forceFlush()).rejects.toThrow(`OTLP export to 127.0.0.1:${port}: UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:${port}`);
    expect(counters).toEqual({ exported: 0, dropped: 0, failed: 1 });
    await Promise.all(processors.map((p) => p.shutdown()));
  });

  it("an endpoint without a port uses its scheme's (grpcs://collector arrives as https://collector)", async () => {
    const counters: ExportCounters = { exported: 0, dropped: 0, failed: 0 };
    const processors = createSpanProcessors([{ protocol: "grpc", url: "https://127.0.0.1" }], counters, { scheduledDelayMs: 60_000 });
    new BasicTracerProvider({ spanProcessors: processors }).getTracer("test").startSpan("request").end();
    // Nothing listens on 443 here: refused, but sent to the right place.
    await expect(processors[0]!.forceFlush()).rejects.toThrow("OTLP export to 127.0.0.1:443: UNAVAILABLE:");
    await Promise.all(processors.map((p) => p.shutdown()));
  });

  it("a batch the collector refused unprocessed (REFUSED_STREAM) is sent again", async () => {
    let streams = 0;
    let exports = 0;
    const collector = createH2Server();
    collector.on("stream", (stream) => {
      if (++streams === 1) return stream.on("error", () => undefined).close(constants.NGHTTP2_REFUSED_STREAM); // overloaded: nothing processed
      exports++;
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(Buffer.from([0, 0, 0, 0, 0])); // an empty ExportTraceServiceResponse
    });
    await new Promise<void>((r) => collector.listen(0, "127.0.0.1", r));
    const counters: ExportCounters = { exported: 0, dropped: 0, failed: 0 };
    const processors = createSpanProcessors([{ protocol: "grpc", url: `http://127.0.0.1:${(collector.address() as AddressInfo).port}` }], counters, { scheduledDelayMs: 60_000 });
    new BasicTracerProvider({ spanProcessors: processors }).getTracer("test").startSpan("request").end();
    await processors[0]!.forceFlush();
    expect(counters).toEqual({ exported: 1, dropped: 0, failed: 0 });
    expect({ streams, exports }).toEqual({ streams: 2, exports: 1 });
    await Promise.all(processors.map((p) => p.shutdown()));
    await new Promise<void>((r) => collector.close(() => r()));
  });
});
