// Request metrics on /metrics from real traffic: counts on the right series in both directions,
// latency the upstream adds visible in the histogram, failures labelled with their reason.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import { send, startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";

let ads: AdsTestServer;
let app: EchoServer;
let reviews: EchoServer;
let sidecar: TestSidecar;

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage" });
  reviews = await startEchoServer({ service: "reviews", version: "v1" });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port });
  await waitForMesh(
    ads,
    setMesh(ads, {
      sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
      services: [
        { name: "reviews", versions: { v1: [{ port: reviews.port }] }, routes: [{ name: "all", prefix: "/", cluster: "reviews.default|v1" }] },
        // Its only endpoint is marked unhealthy by EDS: every request fails locally.
        { name: "ratings", versions: { v1: [{ port: reviews.port, health: "UNHEALTHY" }] }, routes: [{ name: "all", prefix: "/", cluster: "ratings.default|v1" }] },
      ],
    }),
  );
});

afterEach(async () => {
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), reviews.close()]);
});

const metrics = async () => (await send(`${sidecar.adminUrl}/metrics`)).text;

/** The value of one sample line (exact labels), or undefined. */
function sample(text: string, name: string, labels: string): number | undefined {
  const prefix = `${name}{${labels}} `;
  const line = text.split("\n").find((l) => l.startsWith(prefix));
  return line === undefined ? undefined : Number(line.slice(prefix.length));
}

const labels = (l: { direction: string; source: [string, string, string]; destination: [string, string, string]; route: string; status: string; grpc?: string; reason?: string }) =>
  `direction="${l.direction}",source_service="${l.source[0]}",source_namespace="${l.source[1]}",source_version="${l.source[2]}",` +
  `destination_service="${l.destination[0]}",destination_namespace="${l.destination[1]}",destination_version="${l.destination[2]}",` +
  `route="${l.route}",status_class="${l.status}",grpc_status="${l.grpc ?? ""}",reason="${l.reason ?? ""}"`;

const OUT_OK = labels({ direction: "outbound", source: ["productpage", "default", "v1"], destination: ["reviews", "default", "v1"], route: "all", status: "2xx" });

describe("request metrics", () => {
  it("N requests are N on the right series, outbound and inbound, with bytes", async () => {
    const N = 7;
    for (let i = 0; i < N; i++) expect((await send(`${sidecar.outboundUrl}/r/${i}`, { method: "POST", headers: { host: "reviews" }, body: "12345" })).status).toBe(200);
    for (let i = 0; i < 3; i++) expect((await send(`${sidecar.inboundUrl}/`, { headers: { "x-weft-source": "gateway.edge|v3" } })).status).toBe(200);
    const text = await metrics();
    expect(sample(text, "weft_requests_total", OUT_OK)).toBe(N);
    expect(sample(text, "weft_request_duration_seconds_count", OUT_OK)).toBe(N);
    expect(sample(text, "weft_request_bytes_total", OUT_OK)).toBe(N * 5);
    expect(sample(text, "weft_response_bytes_total", OUT_OK)).toBeGreaterThan(N * 5);
    const inbound = labels({ direction: "inbound", source: ["gateway", "edge", "v3"], destination: ["productpage", "default", "v1"], route: "local", status: "2xx" });
    expect(sample(text, "weft_requests_total", inbound)).toBe(3);
  });

  it("latency the upstream adds shows in the histogram", async () => {
    const N = 4;
    for (let i = 0; i < N; i++) await send(`${sidecar.outboundUrl}/slow`, { headers: { host: "reviews", "x-echo-delay-ms": "60" } });
    const text = await metrics();
    // Every request took at least the 60 ms the echo server waited: none in the buckets up to 50 ms.
    expect(sample(text, "weft_request_duration_seconds_bucket", `${OUT_OK},le="0.05"`)).toBe(0);
    expect(sample(text, "weft_request_duration_seconds_bucket", `${OUT_OK},le="+Inf"`)).toBe(N);
    expect(sample(text, "weft_request_duration_seconds_sum", OUT_OK)).toBeGreaterThanOrEqual(N * 0.06);
  });

  it("failures are labelled with their reason: an upstream 5xx, no healthy endpoint, no route", async () => {
    for (let i = 0; i < 2; i++) expect((await send(`${sidecar.outboundUrl}/`, { headers: { host: "reviews", "x-echo-status": "503" } })).status).toBe(503);
    expect((await send(`${sidecar.outboundUrl}/`, { headers: { host: "ratings" } })).status).toBe(503);
    expect((await send(`${sidecar.outboundUrl}/`, { headers: { host: "nowhere" } })).status).toBe(404);
    const text = await metrics();
    const upstream5xx = labels({ direction: "outbound", source: ["productpage", "default", "v1"], destination: ["reviews", "default", "v1"], route: "all", status: "5xx", reason: "upstream_5xx" });
    expect(sample(text, "weft_requests_total", upstream5xx)).toBe(2);
    const noEndpoint = labels({ direction: "outbound", source: ["productpage", "default", "v1"], destination: ["ratings", "default", "v1"], route: "all", status: "5xx", reason: "no_healthy_endpoint" });
    expect(sample(text, "weft_requests_total", noEndpoint)).toBe(1);
    const noRoute = labels({ direction: "outbound", source: ["productpage", "default", "v1"], destination: ["unknown", "", ""], route: "", status: "4xx", reason: "no_route" });
    expect(sample(text, "weft_requests_total", noRoute)).toBe(1);
    expect(sample(text, "weft_telemetry_series", 'kind="request"')).toBe(3);
  });
});
