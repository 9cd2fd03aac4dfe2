// The controller's own /metrics as Prometheus scrapes it: bearer-token protected (unless public),
// with proxies, xDS pushes and their latency, ACK/NACK, telemetry ingest, store sizes and OTLP spans.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { credentials, makeGenericClientConstructor } from "@grpc/grpc-js";
import { TypeUrl } from "@weft/contracts/proto";
import { edge, report } from "../src/services/telemetry/report-fixture";
import { TraceServiceDefinition } from "../src/transport/otlp/trace-server";
import { adsClient } from "./ads-client";
import { startTestController, waitFor, type TestController } from "./harness";
import { reportClient } from "./report-client";

let t: TestController;
beforeAll(async () => {
  t = await startTestController();
});
afterAll(async () => {
  await t?.close();
});

/** The value of one sample of the exposition, or undefined. Labels must match exactly as rendered. */
function sample(text: string, name: string, labels = ""): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(labels ? `${name}{${labels}} ` : `${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(" ") + 1));
}

const scrape = async () => {
  const res = await t.http("/metrics");
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
  return res.text();
};

describe("controller /metrics", () => {
  it("requires an API token unless WEFT_METRICS_PUBLIC", async () => {
    const anonymous = await t.http("/metrics", { auth: false });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(((await anonymous.json()) as any).message).toMatch(/WEFT_METRICS_PUBLIC/);
    expect((await t.http("/metrics", { headers: { authorization: "Bearer weft_wrong_token_0123456789abcdef" } })).status).toBe(401);

    const open = await startTestController({ config: { metricsPublic: true } });
    try {
      const res = await open.http("/metrics", { auth: false });
      expect(res.status).toBe(200);
      expect(await res.text()).toContain("weft_controller_connected_proxies");
    } finally {
      await open.close();
    }
  });

  it("counts proxies, pushes with their latency from the commit, ACKs and NACKs", async () => {
    const { service } = await t.api.services.create.mutate({ name: "reviews", port: 9080 });
    await t.api.versions.create.mutate({ serviceId: service.id, name: "v1" });
    await t.controller.distributor.settled(); // the snapshot has the version before the client connects
    const c = adsClient(t.controller.xdsAddress, "generic-1", null);
    try {
      c.request(TypeUrl.Cluster);
      const first = await c.next();
      c.request(TypeUrl.Cluster, [], { version: first.version_info, nonce: first.nonce });
      await waitFor("the ACK", async () => sample(await scrape(), "weft_xds_acks_total", 'type="CDS"') === 1);
      let text = await scrape();
      expect(sample(text, "weft_controller_connected_proxies", 'kind="xds-client"')).toBe(1);
      expect(sample(text, "weft_xds_pushes_total", 'type="CDS"')).toBe(1);
      // The first push answered a subscription, not a change: no latency observed yet.
      expect(sample(text, "weft_xds_push_latency_seconds_count", 'type="CDS"')).toBeUndefined();

      await t.api.versions.create.mutate({ serviceId: service.id, name: "v2" }); // a commit -> a new CDS push
      const second = await c.next();
      c.request(TypeUrl.Cluster, [], { version: second.version_info, nonce: second.nonce, error: "rejected for the test" });
      await waitFor("the NACK", async () => sample(await scrape(), "weft_xds_nacks_total", 'type="CDS"') === 1);
      text = await scrape();
      expect(sample(text, "weft_xds_pushes_total", 'type="CDS"')).toBe(2);
      expect(sample(text, "weft_xds_push_latency_seconds_count", 'type="CDS"')).toBe(1);
      expect(sample(text, "weft_xds_push_latency_seconds_bucket", 'le="5",type="CDS"')).toBe(1);
    } finally {
      c.close();
    }
  });

  it("counts telemetry reports and series, store sizes and OTLP spans", async () => {
    const rc = reportClient(t.controller.xdsAddress);
    try {
      await rc.send(report(Date.now(), { edges: [edge(), edge({ destinationVersion: "v2" })] }));
      await rc.send(report(Date.now(), { edges: [edge()] }));
      await expect(rc.send(report(Date.now(), { edges: [edge({ route: "x".repeat(300) })] }))).rejects.toThrow();
    } finally {
      rc.close();
    }
    const Client = makeGenericClientConstructor(TraceServiceDefinition, "TraceService");
    const otlp = new Client(t.controller.xdsAddress, credentials.createInsecure()) as unknown as { Export(req: object, cb: (err: Error | null, res: any) => void): void; close(): void };
    const span = (traceId: Buffer) => ({ traceId, spanId: Buffer.alloc(8, 2), name: "inbound reviews.default", startTimeUnixNano: "1700000000000000000", endTimeUnixNano: "1700000000001000000" });
    const response = await new Promise<any>((resolve, reject) =>
      otlp.Export({ resourceSpans: [{ resource: { attributes: [{ key: "service.name", value: { stringValue: "reviews.default" } }] }, scopeSpans: [{ spans: [span(Buffer.alloc(16, 1)), span(Buffer.alloc(3))] }] }] }, (err, res) => (err ? reject(err) : resolve(res))),
    );
    otlp.close();
    expect(response.partialSuccess).toMatchObject({ rejectedSpans: expect.anything(), errorMessage: "rejected 1 without a valid trace or span id" });

    const text = await scrape();
    expect(sample(text, "weft_telemetry_reports_total")).toBe(2);
    expect(sample(text, "weft_telemetry_series_ingested_total")).toBe(3);
    expect(sample(text, "weft_telemetry_reports_rejected_total")).toBe(1);
    expect(sample(text, "weft_telemetry_store_series")).toBe(2);
    expect(sample(text, "weft_telemetry_store_records", 'tier="1s"')).toBeGreaterThanOrEqual(2);
    expect(sample(text, "weft_telemetry_store_bytes")).toBeGreaterThan(0);
    expect(sample(text, "weft_otlp_spans_received_total")).toBe(1);
    expect(sample(text, "weft_otlp_spans_dropped_total", 'reason="invalid"')).toBe(1);
    expect(sample(text, "weft_traces_stored")).toBe(1);
    expect(sample(text, "process_cpu_seconds_total")).toBeGreaterThan(0);
  });
});
