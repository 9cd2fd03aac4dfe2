// Traces as sidecars send them: the real OTLP/gRPC exporter (the one the sidecar uses) exports
// spans to the controller's gRPC port; the API finds the traces and returns each as a span tree.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-grpc";
import { startTestController, type TestController } from "./harness";

let t: TestController;
const NOW = Date.now();

beforeAll(async () => {
  t = await startTestController();
});
afterAll(async () => {
  await t.close();
});

const resources = new Map<string, { attributes: Record<string, string> }>();
const resourceOf = (service: string) => {
  if (!resources.has(service)) resources.set(service, { attributes: { "service.name": service, "service.version": "v1" } });
  return resources.get(service)!;
};
const hr = (ms: number): [number, number] => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

/** A finished span as the OpenTelemetry SDK hands it to an exporter (ReadableSpan). */
function span(o: { traceId: string; spanId: string; parent?: string; name: string; kind: 1 | 2; service: string; startMs: number; durationMs: number; attributes?: Record<string, string | number>; error?: string }) {
  return {
    name: o.name,
    kind: o.kind, // SpanKind: 1 SERVER, 2 CLIENT
    spanContext: () => ({ traceId: o.traceId, spanId: o.spanId, traceFlags: 1 }),
    ...(o.parent ? { parentSpanContext: { traceId: o.traceId, spanId: o.parent, traceFlags: 1, isRemote: true } } : {}),
    startTime: hr(o.startMs),
    endTime: hr(o.startMs + o.durationMs),
    duration: hr(o.durationMs),
    status: o.error ? { code: 2, message: o.error } : { code: 0 },
    attributes: o.attributes ?? {},
    links: [],
    events: [],
    resource: resourceOf(o.service),
    instrumentationScope: { name: "weft-sidecar" },
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ended: true,
  };
}

async function exportSpans(spans: ReturnType<typeof span>[], compression?: "gzip") {
  const exporter = new OTLPTraceExporter({ url: `http://${t.controller.xdsAddress}`, ...(compression ? { compression: compression as never } : {}) });
  try {
    const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(spans as never, resolve));
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0); // ExportResultCode.SUCCESS
  } finally {
    await exporter.shutdown();
  }
}

const TRACE_OK = "0af7651916cd43dd8448eb211c80319c";
const TRACE_FAILED = "4bf92f3577b34da6a3ce929d0e0e4736";

describe("OTLP traces", () => {
  it("receives a real OTLP/gRPC export and answers trace search and the span tree", async () => {
    await exportSpans([
      // storefront -> reviews, fine (the export carries spans in any order)
      span({ traceId: TRACE_OK, spanId: "b7ad6b7169203331", parent: "a1a1a1a1a1a1a1a1", name: "outbound reviews.default", kind: 2, service: "storefront.default", startMs: NOW - 5000 + 2, durationMs: 20, attributes: { "weft.route": "default", "http.response.status_code": 200 } }),
      span({ traceId: TRACE_OK, spanId: "a1a1a1a1a1a1a1a1", name: "inbound storefront.default", kind: 1, service: "storefront.default", startMs: NOW - 5000, durationMs: 25, attributes: { "http.request.method": "GET", "url.path": "/" } }),
      span({ traceId: TRACE_OK, spanId: "c3c3c3c3c3c3c3c3", parent: "b7ad6b7169203331", name: "inbound reviews.default", kind: 1, service: "reviews.default", startMs: NOW - 5000 + 4, durationMs: 15 }),
    ]);
    await exportSpans(
      [
        span({ traceId: TRACE_FAILED, spanId: "d4d4d4d4d4d4d4d4", name: "inbound storefront.default", kind: 1, service: "storefront.default", startMs: NOW - 1000, durationMs: 1500 }),
        span({ traceId: TRACE_FAILED, spanId: "e5e5e5e5e5e5e5e5", parent: "d4d4d4d4d4d4d4d4", name: "outbound ratings.default", kind: 2, service: "storefront.default", startMs: NOW - 999, durationMs: 1000, error: "upstream_timeout", attributes: { "weft.reason": "upstream_timeout", "weft.retries": 2 } }),
      ],
      "gzip",
    );

    const all = await t.api.traces.search.query({});
    expect(all.map((s) => s.traceId)).toEqual([TRACE_FAILED, TRACE_OK]);
    expect(all[1]).toEqual({
      traceId: TRACE_OK,
      rootService: "storefront.default",
      rootName: "inbound storefront.default",
      startUnixMs: expect.closeTo(NOW - 5000, 0),
      durationMs: expect.closeTo(25, 0),
      spanCount: 3,
      services: ["storefront.default", "reviews.default"],
      status: "ok",
      errorReason: null,
    });
    expect(all[0]).toMatchObject({ status: "error", errorReason: "upstream_timeout", spanCount: 2 });

    const errors = (await (await t.http("/api/v1/traces?status=error")).json()) as any[];
    expect(errors.map((s) => s.traceId)).toEqual([TRACE_FAILED]);
    expect((await t.api.traces.search.query({ service: "reviews" })).map((s) => s.traceId)).toEqual([TRACE_OK]);
    expect((await t.api.traces.search.query({ minDurationMs: 1000 })).map((s) => s.traceId)).toEqual([TRACE_FAILED]);
    expect(await t.api.traces.search.query({ service: "ratings.default" })).toEqual([]);

    const tree = (await (await t.http(`/api/v1/traces/${TRACE_OK}`)).json()) as any;
    expect(tree.spans.map((s: any) => [s.name, s.parentSpanId, s.kind])).toEqual([
      ["inbound storefront.default", null, "server"],
      ["outbound reviews.default", "a1a1a1a1a1a1a1a1", "client"],
      ["inbound reviews.default", "b7ad6b7169203331", "server"],
    ]);
    expect(tree.spans[1].attributes).toEqual({ "weft.route": "default", "http.response.status_code": 200 });
    const failed = await t.api.traces.byId.query({ traceId: TRACE_FAILED });
    expect(failed.spans[1]).toMatchObject({ status: "error", statusMessage: "upstream_timeout", attributes: { "weft.reason": "upstream_timeout", "weft.retries": 2 }, durationMs: expect.closeTo(1000, 0) });

    const missing = await t.http(`/api/v1/traces/${"f".repeat(32)}`);
    expect(missing.status).toBe(404);
    const bad = await t.http("/api/v1/traces/not-a-trace");
    expect(((await bad.json()) as any).message).toMatch(/traceId: must be a W3C trace id/);
  });
});
