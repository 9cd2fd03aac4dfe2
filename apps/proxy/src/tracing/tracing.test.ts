// Sampling decisions, propagated headers and exported spans of the tracing module, against a real
// OTLP/gRPC receiver on loopback.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startOtlpTestReceiver, type OtlpTestReceiver } from "@weft/test-kit";
import { makeContext } from "../../test/support/runtime";
import { createTracing, type Tracing, type TracingOptions } from "./tracing";
import type { RequestContext } from "../core/request-context";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const PARENT = "00f067aa0ba902b7";
const SELF = { service: "reviews", namespace: "shop", version: "v2" };

let receiver: OtlpTestReceiver;
const opened: Tracing[] = [];

beforeEach(async () => {
  receiver = await startOtlpTestReceiver();
});

afterEach(async () => {
  receiver.release();
  await Promise.all(opened.splice(0).map((t) => t.shutdown()));
  await receiver.close();
});

function tracing(over: Partial<TracingOptions> = {}): Tracing {
  const t = createTracing({
    self: SELF,
    nodeId: "reviews-1",
    sampling: 0,
    endpoints: [{ protocol: "grpc", url: `http://127.0.0.1:${receiver.port}` }],
    random: () => 0.5,
    ...over,
  });
  opened.push(t);
  return t;
}

function request(direction: "inbound" | "outbound", headers: Record<string, string> = {}): RequestContext {
  const ctx = makeContext({ direction, headers, path: "/books/1?secret=x" });
  return ctx;
}

/** The exchange's end of a request, as the request event reports it. */
function finish(ctx: RequestContext, status: number): RequestContext {
  ctx.status = status;
  ctx.durationMs = 12.5;
  ctx.destination = { service: "ratings", namespace: "shop", version: "v1" };
  ctx.source = { service: "reviews", namespace: "shop", version: "v2" };
  ctx.route = { name: "default" } as never;
  ctx.endpoint = { key: "127.0.0.1:9080" } as never;
  ctx.attempts = 2;
  return ctx;
}

describe("tracing", () => {
  it("unsampled new trace: a trace id and a traceparent with flag 00 for the upstream, no span", async () => {
    const t = tracing({ sampling: 0 });
    const ctx = request("outbound");
    t.begin(ctx);
    expect(ctx.span).toBeUndefined();
    expect(ctx.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(ctx.headers.traceparent).toMatch(new RegExp(`^00-${ctx.traceId}-[0-9a-f]{16}-00$`));
    expect(t.counters).toMatchObject({ sampled: 0, unsampled: 1 });
    await t.flush();
    expect(receiver.exports).toBe(0);
  });

  it("sampled new trace: the span's own ids travel upstream; the exported span carries the Weft attributes", async () => {
    const t = tracing({ sampling: 1 });
    const ctx = request("outbound");
    t.begin(ctx);
    expect(ctx.span).toBeDefined();
    const sc = ctx.span!.spanContext();
    expect(ctx.headers.traceparent).toBe(`00-${sc.traceId}-${sc.spanId}-01`);
    t.end(finish(ctx, 503), "upstream_5xx", -1);
    await t.flush();
    const [span] = await receiver.waitForSpans(() => true);
    expect(span).toMatchObject({
      traceId: sc.traceId,
      spanId: sc.spanId,
      parentSpanId: "",
      name: "outbound ratings.shop",
      kind: "client",
      status: { code: "error", message: "upstream_5xx" },
      attributes: {
        "weft.route": "default",
        "weft.upstream": "127.0.0.1:9080",
        "weft.retries": 1,
        "weft.reason": "upstream_5xx",
        "weft.source": "reviews.shop",
        "weft.destination": "ratings.shop",
        "weft.destination_version": "v1",
        "http.request.method": "GET",
        "url.path": "/books/1",
        "http.response.status_code": 503,
      },
      resource: { "service.name": "reviews.shop", "service.version": "v2", "service.instance.id": "reviews-1" },
    });
    expect(span!.endUnixMs - span!.startUnixMs).toBeCloseTo(12.5, 1);
  });

  it("parent-based: a sampled caller is traced even at ratio 0, as the child of the caller's span, with its tracestate", async () => {
    const t = tracing({ sampling: 0 });
    const ctx = request("inbound", { traceparent: `00-${TRACE}-${PARENT}-01`, tracestate: "vendor=abc" });
    t.begin(ctx);
    expect(ctx.traceId).toBe(TRACE);
    const sc = ctx.span!.spanContext();
    expect(ctx.headers.traceparent).toBe(`00-${TRACE}-${sc.spanId}-01`);
    expect(ctx.headers.tracestate).toBe("vendor=abc");
    t.end(finish(ctx, 200), "", 0);
    await t.flush();
    const [span] = await receiver.waitForSpans(() => true);
    expect(span).toMatchObject({ traceId: TRACE, parentSpanId: PARENT, traceState: "vendor=abc", name: "inbound reviews.shop", kind: "server", status: { code: "unset" } });
    expect(span!.attributes["rpc.grpc.status_code"]).toBe(0);
    expect(span!.attributes["weft.reason"]).toBeUndefined();
  });

  it("parent-based: an unsampled caller is not traced even at ratio 1, and its context travels on unchanged", () => {
    const t = tracing({ sampling: 1 });
    const incoming = `00-${TRACE}-${PARENT}-00`;
    const ctx = request("inbound", { traceparent: incoming });
    t.begin(ctx);
    expect(ctx.span).toBeUndefined();
    expect(ctx.traceId).toBe(TRACE);
    expect(ctx.headers.traceparent).toBe(incoming);
  });

  it("B3 callers: a deferred decision is taken at the ratio; B3 goes back in their encoding with our span", () => {
    const t = tracing({ sampling: 1 });
    const ctx = request("outbound", { b3: `${TRACE}-${PARENT}` });
    t.begin(ctx);
    const sc = ctx.span!.spanContext();
    expect(ctx.headers.b3).toBe(`${TRACE}-${sc.spanId}-1`);
    expect(ctx.headers.traceparent).toBe(`00-${TRACE}-${sc.spanId}-01`);
  });

  it("new traces are sampled at the configured ratio", () => {
    // A deterministic uniform sequence: the decisions are exactly the draws below the ratio.
    let seed = 42;
    const draws: number[] = [];
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const r = seed / 2 ** 31;
      draws.push(r);
      return r;
    };
    const t = tracing({ sampling: 0.25, random });
    for (let i = 0; i < 400; i++) t.begin(request("outbound"));
    const expected = draws.filter((r) => r < 0.25).length;
    expect(t.counters.sampled).toBe(expected);
    expect(t.counters.sampled + t.counters.unsampled).toBe(400);
    expect(expected).toBeGreaterThan(60);
    expect(expected).toBeLessThan(140);
  });

  it("a collector that does not answer: the queue stays bounded, overflow is dropped and counted, the rest goes out later", async () => {
    receiver.hold();
    const t = tracing({ sampling: 1, export: { maxQueueSize: 4, maxExportBatchSize: 2, scheduledDelayMs: 60_000 } });
    for (let i = 0; i < 10; i++) {
      const ctx = request("outbound");
      t.begin(ctx);
      t.end(finish(ctx, 200), "", -1);
    }
    // 2 in the held export, 4 queued, 4 dropped.
    expect(t.counters.dropped).toBe(4);
    await expect.poll(() => receiver.exports).toBe(1);
    receiver.release();
    await t.flush();
    await receiver.waitForSpans(() => true, { count: 6 });
    expect(receiver.spans).toHaveLength(6);
    expect(t.counters).toMatchObject({ exported: 6, dropped: 4, failed: 0 });
  });
});
