import { describe, expect, it } from "vitest";
import type { Span } from "@weft/contracts";
import { createTraceStore, DEFAULT_TRACE_LIMITS } from "./traces";

const NOW = 1_700_000_000_000;
let seq = 0;
function span(traceId: string, over: Partial<Span> = {}): Span {
  return {
    traceId,
    spanId: (++seq).toString(16).padStart(16, "0"),
    parentSpanId: null,
    name: "inbound reviews.default",
    service: "reviews.default",
    kind: "server",
    startUnixMs: NOW - 1000,
    durationMs: 10,
    status: "unset",
    statusMessage: "",
    attributes: {},
    ...over,
  };
}
const tid = (i: number) => i.toString(16).padStart(32, "0");
const search = { status: "any", window: "1h", limit: 200 } as const;

describe("trace store", () => {
  it("keeps at most maxTraces, evicting the oldest trace first", () => {
    const store = createTraceStore({ ...DEFAULT_TRACE_LIMITS, maxTraces: 3 });
    for (let i = 1; i <= 5; i++) store.add([span(tid(i), { startUnixMs: NOW - 1000 + i })]);
    expect(store.search(search, NOW).map((s) => s.traceId)).toEqual([tid(5), tid(4), tid(3)]);
    expect(store.byId(tid(1))).toBeNull();
    expect(store.sizes()).toMatchObject({ traces: 3, spans: 3 });
  });

  it("keeps at most maxSpans and maxBytes, and caps spans per trace", () => {
    const bySpans = createTraceStore({ ...DEFAULT_TRACE_LIMITS, maxSpans: 4 });
    bySpans.add([span(tid(1)), span(tid(1)), span(tid(1))]);
    bySpans.add([span(tid(2)), span(tid(2))]);
    expect(bySpans.sizes()).toMatchObject({ traces: 1, spans: 2 });

    const big = span(tid(9), { attributes: { "url.path": "x".repeat(10_000) } });
    const byBytes = createTraceStore({ ...DEFAULT_TRACE_LIMITS, maxBytes: 30_000 });
    byBytes.add([big]);
    byBytes.add([{ ...big, traceId: tid(10), spanId: "f".repeat(16) }]);
    expect(byBytes.sizes().traces).toBe(1);
    expect(byBytes.sizes().approxBytes).toBeLessThanOrEqual(30_000);

    const perTrace = createTraceStore({ ...DEFAULT_TRACE_LIMITS, maxSpansPerTrace: 2 });
    expect(perTrace.add([span(tid(1)), span(tid(1)), span(tid(1))])).toEqual({ accepted: 2, dropped: 1 });
  });

  it("searches by service, status, duration and window, and orders a trace as a tree", () => {
    const store = createTraceStore();
    const root = span(tid(1), { service: "storefront.default", name: "inbound storefront.default", durationMs: 50 });
    const child = span(tid(1), { parentSpanId: root.spanId, kind: "client", name: "outbound reviews.default", service: "storefront.default", startUnixMs: root.startUnixMs + 1, status: "error", statusMessage: "upstream_5xx" });
    const grandchild = span(tid(1), { parentSpanId: child.spanId, startUnixMs: root.startUnixMs + 2 });
    store.add([grandchild, child, root]);
    store.add([span(tid(2), { startUnixMs: NOW - 2 * 3_600_000 })]); // outside the 1 h window
    expect(store.search(search, NOW).map((s) => [s.traceId, s.rootName, s.status, s.errorReason, s.services])).toEqual([
      [tid(1), "inbound storefront.default", "error", "upstream_5xx", ["storefront.default", "reviews.default"]],
    ]);
    expect(store.search({ ...search, window: "24h", status: "ok" }, NOW).map((s) => s.traceId)).toEqual([tid(2)]);
    expect(store.search({ ...search, service: "reviews" }, NOW)).toHaveLength(1);
    expect(store.search({ ...search, minDurationMs: 51 }, NOW)).toEqual([]);
    expect(store.byId(tid(1))!.spans.map((s) => s.spanId)).toEqual([root.spanId, child.spanId, grandchild.spanId]);
  });
});
