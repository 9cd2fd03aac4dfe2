// gRPC statuses in telemetry, from real gRPC calls through two sidecars (mTLS): the status from the
// trailers of a streamed answer, from a trailers-only answer, and from the sidecar's own errors —
// on /metrics (grpc_status, reason) and in the report stream.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TypeUrl } from "@weft/contracts/proto";
import { startMeshPair, type MeshPair } from "./support/mesh-pair";
import { echoClient, grpc, startGrpcEcho, unary, type EchoClient, type GrpcEcho } from "./support/grpc-echo";
import { assignmentWith } from "./support/transport-fixtures";
import { send } from "./support/harness";

let app: GrpcEcho;
let pair: MeshPair;
let client: EchoClient;

beforeAll(async () => {
  app = await startGrpcEcho();
  pair = await startMeshPair({ appPort: app.port });
  await pair.configure({ mode: "strict", protocol: "grpc", appPort: app.port });
  client = echoClient(`127.0.0.1:${pair.client.ports.outbound}`, { authority: "reviews:9080" });
});

afterAll(async () => {
  client.close();
  await pair.close();
  await app.close();
});

const series = (direction: string, grpcStatus: string, reason = "", status = "2xx", route = "default") =>
  (direction === "outbound"
    ? 'direction="outbound",source_service="productpage",source_namespace="default",source_version="v1",destination_service="reviews",destination_namespace="default",destination_version=""'
    : 'direction="inbound",source_service="productpage",source_namespace="default",source_version="v1",destination_service="reviews",destination_namespace="default",destination_version="v1"') +
  `,route="${route}",status_class="${status}",grpc_status="${grpcStatus}",reason="${reason}"`;

describe("gRPC telemetry", () => {
  it("labels each call with its gRPC status, failing only on server-failure statuses", async () => {
    for (let i = 0; i < 3; i++) expect((await unary(client, { text: "hi" })).res?.text).toBe("echo:hi");
    expect((await unary(client, { text: "fail" })).err?.code).toBe(grpc.status.NOT_FOUND);
    // The sidecar's own error: no healthy endpoint, answered as UNAVAILABLE.
    const eds = pair.adsClient.set(TypeUrl.ClusterLoadAssignment, [assignmentWith("reviews.default", [{ port: pair.server.ports.inbound, mtls: true, health: "UNHEALTHY" }])]);
    await pair.adsClient.waitForAck(TypeUrl.ClusterLoadAssignment, eds);
    const unavailable = await unary(client, { text: "x" });
    expect(unavailable.err?.code).toBe(grpc.status.UNAVAILABLE);

    // An HTTP/2 exchange is over (and counted) when its stream closes, which may be just after the client has its answer.
    const metrics = async (url: string) => (await send(`${url}/metrics`)).text;
    await expect.poll(() => metrics(pair.client.adminUrl)).toContain(`weft_requests_total{${series("outbound", "UNAVAILABLE", "no_healthy_endpoint")}} 1`);
    const out = await metrics(pair.client.adminUrl);
    expect(out).toContain(`weft_requests_total{${series("outbound", "OK")}} 3`);
    expect(out).toContain(`weft_requests_total{${series("outbound", "NOT_FOUND")}} 1`);
    await expect.poll(() => metrics(pair.server.adminUrl)).toContain(`weft_requests_total{${series("inbound", "OK", "", "2xx", "local")}} 3`);

    const from = pair.adsClient.reports.length;
    pair.clock.advance(1000);
    const report = await pair.adsClient.waitForReport((r) => r.edges.length > 0, { from });
    expect(report.edges.find((e) => e.grpcStatus === "UNAVAILABLE")).toMatchObject({ requests: 1, failures: 1, reason: "no_healthy_endpoint" });
    expect(report.edges.find((e) => e.grpcStatus === "NOT_FOUND")).toMatchObject({ requests: 1, failures: 0, reason: "" });
    expect(report.failures).toMatchObject([{ grpcStatus: "UNAVAILABLE", reason: "no_healthy_endpoint", path: "/weft.test.Echo/Unary" }]);
  });
});
