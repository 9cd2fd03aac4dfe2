// Tracing end to end on real sockets: the trace context an upstream receives (continued, started,
// B3 in and out), spans exported over OTLP/gRPC to the controller's address and to extra OTLP
// endpoints (gRPC and HTTP), parent/child across two sidecars over mTLS, sampling at the ratio.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAdsTestServer, startEchoServer, startOtlpTestReceiver, type AdsTestServer, type EchoServer, type OtlpTestReceiver } from "@weft/test-kit";
import { send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";
import { startMeshPair } from "./support/mesh-pair";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const CALLER_SPAN = "00f067aa0ba902b7";

let ads: AdsTestServer;
let app: EchoServer;
let reviews: EchoServer;
let sidecar: TestSidecar | undefined;
const receivers: OtlpTestReceiver[] = [];

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage" });
  reviews = await startEchoServer({ service: "reviews", version: "v1" });
});

afterEach(async () => {
  await sidecar?.close();
  sidecar = undefined;
  await Promise.all([ads.close(), app.close(), reviews.close(), ...receivers.splice(0).map((r) => r.close())]);
});

async function start(env: Record<string, string> = {}, random?: () => number): Promise<TestSidecar> {
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port, env, ...(random ? { random } : {}) });
  await waitForMesh(
    ads,
    setMesh(ads, {
      sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
      services: [{ name: "reviews", versions: { v1: [{ port: reviews.port }] }, routes: [{ name: "all", prefix: "/", cluster: "reviews.default|v1" }] }],
    }),
  );
  return sidecar;
}

/** What the upstream received last. */
const lastHeaders = (server: EchoServer) => server.received.at(-1)!.headers;
const traceparentOf = (server: EchoServer) => String(lastHeaders(server).traceparent ?? "");

describe("trace context", () => {
  it("starts a trace when the request has none and exports its span to the controller", async () => {
    const s = await start({ WEFT_TRACE_SAMPLING: "1" });
    expect((await send(`${s.outboundUrl}/books/1?x=1`, { headers: { host: "reviews" } })).status).toBe(200);
    const [, traceId, spanId, flags] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-(\d\d)$/.exec(traceparentOf(reviews)) ?? [];
    expect(flags).toBe("01");
    await s.flushTelemetry();
    const [span] = await ads.waitForSpans((sp) => sp.spanId === spanId);
    expect(span).toMatchObject({
      traceId,
      parentSpanId: "",
      name: "outbound reviews.default",
      kind: "client",
      status: { code: "unset" },
      attributes: {
        "weft.route": "all",
        "weft.upstream": `127.0.0.1:${reviews.port}`,
        "weft.retries": 0,
        "weft.source": "productpage.default",
        "weft.destination": "reviews.default",
        "weft.destination_version": "v1",
        "http.request.method": "GET",
        "url.path": "/books/1",
        "http.response.status_code": 200,
      },
      resource: { "service.name": "productpage.default", "service.version": "v1" },
    });
  });

  it("continues the caller's trace: same trace id, our span as the upstream's parent, tracestate passed on", async () => {
    const s = await start({ WEFT_TRACE_SAMPLING: "0" });
    await send(`${s.outboundUrl}/`, { headers: { host: "reviews", traceparent: `00-${TRACE}-${CALLER_SPAN}-01`, tracestate: "vendor=1" } });
    const [, traceId, spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(traceparentOf(reviews)) ?? [];
    expect(traceId).toBe(TRACE);
    expect(spanId).not.toBe(CALLER_SPAN);
    expect(lastHeaders(reviews).tracestate).toBe("vendor=1");
    await s.flushTelemetry();
    const [span] = await ads.waitForSpans((sp) => sp.traceId === TRACE);
    expect(span).toMatchObject({ spanId, parentSpanId: CALLER_SPAN, traceState: "vendor=1" });
  });

  it("unsampled: the upstream still gets a traceparent (flag 00) and nothing is exported", async () => {
    const s = await start({ WEFT_TRACE_SAMPLING: "0" });
    await send(`${s.outboundUrl}/`, { headers: { host: "reviews" } });
    expect(traceparentOf(reviews)).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-00$/);
    const passedOn = `00-${TRACE}-${CALLER_SPAN}-00`;
    await send(`${s.outboundUrl}/`, { headers: { host: "reviews", traceparent: passedOn } });
    expect(traceparentOf(reviews)).toBe(passedOn);
    await s.flushTelemetry();
    expect(ads.exports).toBe(0);
  });

  it("accepts B3 (single and multi header) and answers in the same encoding, with traceparent", async () => {
    const s = await start({ WEFT_TRACE_SAMPLING: "0" });
    await send(`${s.outboundUrl}/`, { headers: { host: "reviews", b3: `${TRACE}-${CALLER_SPAN}-1` } });
    const single = lastHeaders(reviews);
    const [, , spanId] = /^00-([0-9a-f]{32})-([0-9a-f]{16})-01$/.exec(String(single.traceparent)) ?? [];
    expect(single.traceparent).toBe(`00-${TRACE}-${spanId}-01`);
    expect(single.b3).toBe(`${TRACE}-${spanId}-1`);

    await send(`${s.outboundUrl}/`, { headers: { host: "reviews", "x-b3-traceid": "a3ce929d0e0e4736", "x-b3-spanid": CALLER_SPAN, "x-b3-sampled": "1" } });
    const multi = lastHeaders(reviews);
    const padded = "0000000000000000a3ce929d0e0e4736";
    expect(multi["x-b3-traceid"]).toBe(padded);
    expect(multi["x-b3-sampled"]).toBe("1");
    expect(multi.traceparent).toBe(`00-${padded}-${multi["x-b3-spanid"]}-01`);
    await s.flushTelemetry();
    const spans = await ads.waitForSpans(() => true, { count: 2 });
    expect(spans.map((sp) => [sp.traceId, sp.parentSpanId])).toEqual([
      [TRACE, CALLER_SPAN],
      [padded, CALLER_SPAN],
    ]);
  });

  it("a failed request's span has status error with the reason", async () => {
    const s = await start({ WEFT_TRACE_SAMPLING: "1" });
    await send(`${s.outboundUrl}/`, { headers: { host: "reviews", "x-echo-status": "503" } });
    await s.flushTelemetry();
    const [span] = await ads.waitForSpans(() => true);
    expect(span).toMatchObject({ status: { code: "error", message: "upstream_5xx" }, attributes: { "weft.reason": "upstream_5xx", "http.response.status_code": 503 } });
  });

  it("exports to extra OTLP endpoints too: OTLP/gRPC and OTLP/HTTP", async () => {
    const grpc = await startOtlpTestReceiver({ protocol: "grpc" });
    const http = await startOtlpTestReceiver({ protocol: "http" });
    receivers.push(grpc, http);
    const s = await start({ WEFT_TRACE_SAMPLING: "1", WEFT_OTLP_ENDPOINTS: `${grpc.endpoint},${http.endpoint}` });
    await send(`${s.outboundUrl}/`, { headers: { host: "reviews" } });
    await s.flushTelemetry();
    const [toController] = await ads.waitForSpans(() => true);
    for (const receiver of [grpc, http]) {
      const [span] = await receiver.waitForSpans(() => true);
      expect(span).toMatchObject({ traceId: toController!.traceId, spanId: toController!.spanId, name: "outbound reviews.default" });
    }
  });

  it("samples new traces at WEFT_TRACE_SAMPLING", async () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const s = await start({ WEFT_TRACE_SAMPLING: "0.25" }, random);
    const N = 200;
    for (let i = 0; i < N; i += 20) await Promise.all(Array.from({ length: 20 }, () => send(`${s.outboundUrl}/`, { headers: { host: "reviews" } })));
    const sampled = reviews.received.filter((r) => String(r.headers.traceparent).endsWith("-01")).length;
    // 200 draws at 1/4 (σ ≈ 6): far from 0 and from 200.
    expect(sampled).toBeGreaterThan(25);
    expect(sampled).toBeLessThan(80);
    await s.flushTelemetry();
    await ads.waitForSpans(() => true, { count: sampled });
    expect(ads.spans).toHaveLength(sampled);
    const metrics = (await send(`${s.adminUrl}/metrics`)).text;
    expect(metrics).toContain(`weft_trace_requests_total{sampled="true"} ${sampled}`);
    expect(metrics).toContain(`weft_trace_requests_total{sampled="false"} ${N - sampled}`);
    expect(metrics).toContain(`weft_trace_spans_total{result="exported"} ${sampled}`);
  });
});

describe("a trace across two sidecars (mTLS)", () => {
  it("the callee's inbound span is the child of the caller's outbound span, and the app gets the inbound span as parent", async () => {
    const pair = await startMeshPair({ appPort: reviews.port });
    try {
      await pair.configure({ mode: "strict", protocol: "http", appPort: reviews.port });
      const r = await send(`${pair.client.outboundUrl}/books`, { headers: { host: "reviews", traceparent: `00-${TRACE}-${CALLER_SPAN}-01` } });
      expect(r.status).toBe(200);
      await Promise.all([pair.client.flushTelemetry(), pair.server.flushTelemetry()]);
      const [outbound] = await pair.adsClient.waitForSpans((s) => s.traceId === TRACE);
      const [inbound] = await pair.adsServer.waitForSpans((s) => s.traceId === TRACE);
      expect(outbound).toMatchObject({ name: "outbound reviews.default", kind: "client", parentSpanId: CALLER_SPAN, resource: { "service.name": "productpage.default" } });
      expect(inbound).toMatchObject({
        name: "inbound reviews.default",
        kind: "server",
        parentSpanId: outbound!.spanId,
        resource: { "service.name": "reviews.default" },
        attributes: { "weft.source": "productpage.default", "weft.destination": "reviews.default" },
      });
      expect(traceparentOf(reviews)).toBe(`00-${TRACE}-${inbound!.spanId}-01`);
    } finally {
      await pair.close();
    }
  });
});
