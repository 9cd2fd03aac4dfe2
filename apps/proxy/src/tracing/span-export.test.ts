import { createServer, type AddressInfo } from "node:net";
import { constants, createServer as createH2Server, type ServerHttp2Stream } from "node:http2";
import { BasicTracerProvider } from "@opentelemetry/sdk-trace-base";
import { loadProtos } from "@weft/contracts/proto";
import { createFakeClock } from "@weft/test-kit";
import { describe, expect, it, vi } from "vitest";
import type { Clock } from "../core/clock";
import { createSpanProcessors, type ExportCounters, type ExportOptions } from "./span-export";

/** A collector on node:http2 that answers each Export with the next status of `answers` (then OK). */
async function collector(answers: Array<{ code: number; message?: string; retryDelayMs?: number }>) {
  let streams = 0;
  const server = createH2Server();
  server.on("stream", (stream: ServerHttp2Stream) => {
    const answer = answers[streams++];
    stream.on("error", () => undefined).resume();
    if (answer === undefined) {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      return stream.end(Buffer.from([0, 0, 0, 0, 0])); // an empty ExportTraceServiceResponse
    }
    const trailers: Record<string, string> = { ":status": "200", "content-type": "application/grpc", "grpc-status": String(answer.code), "grpc-message": answer.message ?? "" };
    if (answer.retryDelayMs !== undefined) {
      const ms = answer.retryDelayMs;
      const details = [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retry_delay: { seconds: String(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 } }];
      trailers["grpc-status-details-bin"] = Buffer.from(loadProtos().encode("google.rpc.Status", { code: answer.code, message: answer.message ?? "", details })).toString("base64");
    }
    stream.respond(trailers, { endStream: true }); // trailers-only
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    streams: () => streams,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A fake clock that lists every timer asked of it (attempt deadlines and backoff waits alike). */
function recordingClock() {
  const fake = createFakeClock();
  const timers: number[] = [];
  const clock: Clock = { now: fake.now, setTimeout: (fn, ms) => (timers.push(ms), fake.setTimeout(fn, ms)) };
  return { clock, timers, advance: (ms: number) => fake.advance(ms) };
}

function exportOne(url: string, options: ExportOptions) {
  const counters: ExportCounters = { exported: 0, dropped: 0, failed: 0 };
  const processors = createSpanProcessors([{ protocol: "grpc", url }], counters, { scheduledDelayMs: 60_000, ...options });
  new BasicTracerProvider({ spanProcessors: processors }).getTracer("test").startSpan("request").end();
  const flushed = processors[0]!.forceFlush();
  flushed.catch(() => undefined); // asserted below; not unhandled while the test moves the clock
  return { counters, flushed, shutdown: () => Promise.all(processors.map((p) => p.shutdown())) };
}

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
    // No room in the deadline for a retry (the first waits 250 – 500 ms).
    const processors = createSpanProcessors([{ protocol: "grpc", url: `http://127.0.0.1:${port}` }], counters, { scheduledDelayMs: 60_000, exportTimeoutMs: 200 });
    const tracer = new BasicTracerProvider({ spanProcessors: processors }).getTracer("test");
    tracer.startSpan("request").end();
    await expect(processors[0]!.forceFlush()).rejects.toThrow(`OTLP export to 127.0.0.1:${port}: UNAVAILABLE: connect ECONNREFUSED 127.0.0.1:${port} (1 attempt; the next, in `);
    expect(counters).toEqual({ exported: 0, dropped: 0, failed: 1 });
    await Promise.all(processors.map((p) => p.shutdown()));
  });

  it("an endpoint without a port uses its scheme's (grpcs://collector arrives as https://collector)", async () => {
    const counters: ExportCounters = { exported: 0, dropped: 0, failed: 0 };
    const processors = createSpanProcessors([{ protocol: "grpc", url: "https://127.0.0.1" }], counters, { scheduledDelayMs: 60_000, exportTimeoutMs: 200 });
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

  it("a batch the collector could not take (UNAVAILABLE) is sent again after a growing, jittered backoff, and delivered", async () => {
    const c = await collector([{ code: 14, message: "restarting" }, { code: 14, message: "restarting" }]);
    const t = recordingClock();
    const e = exportOne(c.url, { clock: t.clock, random: () => 0, exportTimeoutMs: 60_000 });
    // Each attempt sets its deadline timer; each wait for the next attempt is one more timer.
    await vi.waitFor(() => expect(t.timers.length).toBe(2));
    expect(t.timers[1]).toBe(250); // nominal 500 ms, equal jitter, random 0: half
    t.advance(250);
    await vi.waitFor(() => expect(t.timers.length).toBe(4));
    expect(t.timers[3]).toBe(500); // nominal 1 s
    expect(t.timers[2]).toBe(60_000 - 50 - 250); // the attempt gets what is left of the export deadline
    t.advance(500);
    await e.flushed;
    expect(e.counters).toEqual({ exported: 1, dropped: 0, failed: 0 });
    expect(c.streams()).toBe(3);
    await e.shutdown();
    await c.close();
  });

  it("waits as long as the collector asks (RetryInfo), and RESOURCE_EXHAUSTED is retried only when it asks", async () => {
    const c = await collector([{ code: 8, message: "memory limit", retryDelayMs: 1_500 }, { code: 8, message: "memory limit" }]);
    const t = recordingClock();
    const e = exportOne(c.url, { clock: t.clock, random: () => 0, exportTimeoutMs: 60_000 });
    await vi.waitFor(() => expect(t.timers.length).toBe(2));
    expect(t.timers[1]).toBe(1_500);
    t.advance(1_500);
    // The second answer says nothing about when: the batch fails there, after 2 attempts.
    await expect(e.flushed).rejects.toThrow(`OTLP export to 127.0.0.1:${c.url.split(":")[2]}: RESOURCE_EXHAUSTED: memory limit (attempt 2)`);
    expect(e.counters).toEqual({ exported: 0, dropped: 0, failed: 1 });
    expect(c.streams()).toBe(2);
    await e.shutdown();
    await c.close();
  });

  it("a status the collector will answer again (INVALID_ARGUMENT) fails the batch at once", async () => {
    const c = await collector([{ code: 3, message: "bad span" }]);
    const t = recordingClock();
    const e = exportOne(c.url, { clock: t.clock, random: () => 0, exportTimeoutMs: 60_000 });
    await expect(e.flushed).rejects.toThrow(/: INVALID_ARGUMENT: bad span$/);
    expect({ streams: c.streams(), timers: t.timers.length, failed: e.counters.failed }).toEqual({ streams: 1, timers: 1, failed: 1 });
    await e.shutdown();
    await c.close();
  });

  it("no attempt starts that the export deadline would cut short, and a stopping sidecar waits for none", async () => {
    const c = await collector([{ code: 14, message: "down" }, { code: 14, message: "down" }, { code: 14, message: "down" }]);
    const t = recordingClock();
    // 1 000 ms export timeout: 950 ms for the attempts and waits (250, then 500: 750 ms waited).
    const e = exportOne(c.url, { clock: t.clock, random: () => 0, exportTimeoutMs: 1_000 });
    await vi.waitFor(() => expect(t.timers.length).toBe(2));
    t.advance(250);
    await vi.waitFor(() => expect(t.timers.length).toBe(4));
    t.advance(500);
    // 200 ms left, and the next wait is 1 000 ms: the batch fails now, saying so.
    await expect(e.flushed).rejects.toThrow("UNAVAILABLE: down (3 attempts; the next, in 1000 ms, would pass the 950 ms export deadline)");
    expect(c.streams()).toBe(3);

    const again = await collector([{ code: 14, message: "down" }]);
    const t2 = recordingClock();
    const stop = new AbortController(); // what tracing.shutdown() aborts first
    const e2 = exportOne(again.url, { clock: t2.clock, random: () => 0, exportTimeoutMs: 60_000, stop: stop.signal });
    await vi.waitFor(() => expect(t2.timers.length).toBe(2)); // waiting 250 ms for the second attempt
    stop.abort(); // the batch fails without the clock moving
    await expect(e2.flushed).rejects.toThrow("UNAVAILABLE: down (1 attempt; the sidecar is stopping)");
    await e2.shutdown();
    expect(again.streams()).toBe(1);

    // Stopped before the exporter existed (it is created with the first batch, here the last one).
    const late = await collector([{ code: 14, message: "down" }]);
    const t3 = recordingClock();
    const stopped = new AbortController();
    stopped.abort();
    const e3 = exportOne(late.url, { clock: t3.clock, random: () => 0, exportTimeoutMs: 60_000, stop: stopped.signal });
    await expect(e3.flushed).rejects.toThrow("UNAVAILABLE: down (1 attempt; the sidecar is stopping)");
    expect({ streams: late.streams(), timers: t3.timers.length }).toEqual({ streams: 1, timers: 1 });
    await e3.shutdown();
    await late.close();
    await e.shutdown();
    await Promise.all([c.close(), again.close()]);
  });
});
