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
