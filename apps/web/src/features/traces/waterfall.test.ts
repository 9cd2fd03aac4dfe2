import { describe, expect, it } from "vitest";
import type { Span } from "@weft/contracts";
import { axisTicks, durationLabelPlace, formatAxisMs, errorReason, rootCause, spanAttributes, toWaterfall } from "./waterfall";

const span = (spanId: string, parentSpanId: string | null, startUnixMs: number, durationMs: number, extra: Partial<Span> = {}): Span => ({
  traceId: "t".repeat(32),
  spanId,
  parentSpanId,
  name: `span ${spanId}`,
  service: "storefront.default",
  kind: "server",
  startUnixMs,
  durationMs,
  status: "ok",
  statusMessage: "",
  attributes: {},
  ...extra,
});

describe("toWaterfall", () => {
  it("nests children under parents, siblings by start time, on one time axis", () => {
    // storefront inbound (0..100) → outbound catalog (10..40) → catalog inbound (12..38); outbound reviews (50..90)
    const w = toWaterfall([
      span("d", "a", 1050, 40, { service: "storefront.default", name: "outbound reviews.default" }),
      span("c", "b", 1012, 26, { service: "catalog.default" }),
      span("a", null, 1000, 100),
      span("b", "a", 1010, 30, { name: "outbound catalog.default" }),
    ]);
    expect(w.rows.map((r) => [r.span.spanId, r.depth])).toEqual([
      ["a", 0],
      ["b", 1],
      ["c", 2],
      ["d", 1],
    ]);
    expect(w.startUnixMs).toBe(1000);
    expect(w.durationMs).toBe(100);
    const b = w.rows[1]!;
    expect(b.offsetPct).toBeCloseTo(10);
    expect(b.widthPct).toBeCloseTo(30);
    expect(w.rows[0]!.childCount).toBe(2);
    // Colour slots by first appearance: storefront, then catalog.
    expect(w.services).toEqual(["storefront.default", "catalog.default"]);
    expect(w.rows.map((r) => r.serviceIndex)).toEqual([0, 0, 1, 0]);
  });

  it("keeps spans whose parent is missing, marked, and survives parent cycles and duplicates", () => {
    const w = toWaterfall([span("a", null, 0, 10), span("x", "gone", 5, 2), span("p", "q", 1, 1), span("q", "p", 2, 1), span("a", null, 0, 10)]);
    expect(w.rows.map((r) => r.span.spanId).sort()).toEqual(["a", "p", "q", "x"]);
    expect(w.rows.find((r) => r.span.spanId === "x")!.orphan).toBe(true);
    expect(w.rows.find((r) => r.span.spanId === "a")!.orphan).toBe(false);
  });

  it("does not call the entry span detached when its parent is the caller outside the mesh", () => {
    const w = toWaterfall([span("a", "client-side-span", 0, 10), span("b", "a", 1, 5), span("z", "lost", 4, 1)]);
    expect(w.rows.map((r) => [r.span.spanId, r.depth, r.orphan])).toEqual([
      ["a", 0, false],
      ["b", 1, false],
      ["z", 0, true],
    ]);
  });

  it("marks error spans with their reason", () => {
    const w = toWaterfall([
      span("a", null, 0, 10, { status: "error", statusMessage: "fault_injected" }),
      span("b", "a", 1, 5, { status: "error", attributes: { "weft.reason": "upstream_timeout" } }),
      span("c", "a", 2, 5),
    ]);
    expect(w.rows.map((r) => [r.isError, r.reason])).toEqual([
      [true, "fault_injected"],
      [true, "upstream_timeout"],
      [false, null],
    ]);
    expect(errorReason(span("z", null, 0, 1, { status: "error" }))).toBe("error");
  });

  it("handles an empty trace and zero-length spans", () => {
    expect(toWaterfall([]).rows).toEqual([]);
    const w = toWaterfall([span("a", null, 5, 0)]);
    expect(w.rows[0]!.offsetPct).toBe(0);
    expect(w.rows[0]!.widthPct).toBe(0);
  });
});

describe("rootCause", () => {
  it("is the deepest failed span: the callers above it failed because of it", () => {
    const w = toWaterfall([
      span("a", null, 0, 10, { status: "error", statusMessage: "upstream_5xx" }),
      span("b", "a", 1, 5, { status: "error", statusMessage: "fault_injected" }),
      span("c", "a", 2, 5),
    ]);
    expect(rootCause(w)?.span.spanId).toBe("b");
    expect(rootCause(toWaterfall([span("a", null, 0, 10)]))).toBeNull();
  });
});

describe("durationLabelPlace", () => {
  it("keeps the duration text inside the track", () => {
    expect(durationLabelPlace({ offsetPct: 10, widthPct: 30 })).toBe("after");
    expect(durationLabelPlace({ offsetPct: 0, widthPct: 100 })).toBe("inside");
    expect(durationLabelPlace({ offsetPct: 95, widthPct: 5 })).toBe("before");
  });
});

describe("axisTicks", () => {
  it("steps by 1, 2 or 5 times a power of ten", () => {
    expect(axisTicks(100)).toEqual([0, 20, 40, 60, 80, 100]);
    expect(axisTicks(7)).toEqual([0, 2, 4, 6]);
    expect(axisTicks(0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    expect(axisTicks(0)).toEqual([0]);
  });
});

describe("formatAxisMs", () => {
  it("never prints two ticks alike: decimals follow the step", () => {
    expect([0, 0.5, 1, 1.5, 2].map((t) => formatAxisMs(t, 0.5))).toEqual(["0", "0.5 ms", "1.0 ms", "1.5 ms", "2.0 ms"]);
    expect(formatAxisMs(0.25, 0.05)).toBe("0.25 ms");
    expect(formatAxisMs(40, 20)).toBe("40 ms");
    expect([0, 500, 1000, 1500].map((t) => formatAxisMs(t, 500))).toEqual(["0", "0.5 s", "1.0 s", "1.5 s"]);
    expect(formatAxisMs(4000, 2000)).toBe("4 s");
  });
});

describe("spanAttributes", () => {
  it("puts the Weft and HTTP attributes first", () => {
    const s = span("a", null, 0, 1, { attributes: { zeta: 1, "url.path": "/x", "weft.reason": "fault_injected", alpha: true } });
    expect(spanAttributes(s)).toEqual([
      ["weft.reason", "fault_injected"],
      ["url.path", "/x"],
      ["alpha", "true"],
      ["zeta", "1"],
    ]);
  });
});
