import { describe, expect, it } from "vitest";
import { createEdgeStats } from "./edge-stats";
import { renderEdgeMetrics, renderTcpMetrics } from "./prometheus";
import { createTcpStats } from "./tcp-stats";
import { makeContext } from "../../test/support/runtime";
import { EMPTY_SNAPSHOT } from "../core/runtime-config";

describe("Prometheus text", () => {
  it("renders request counters and a cumulative histogram labelled by REQUEST_LABELS", () => {
    const stats = createEdgeStats();
    for (const ms of [0.5, 3, 3, 20000]) {
      const ctx = makeContext({});
      ctx.status = 503;
      ctx.durationMs = ms;
      ctx.destination = { service: 'we"ird\\', namespace: "n", version: "" };
      stats.record(ctx, "upstream_5xx", "UNAVAILABLE");
    }
    const text = renderEdgeMetrics(stats);
    const l =
      'direction="outbound",source_service="productpage",source_namespace="default",source_version="v1",' +
      'destination_service="we\\"ird\\\\",destination_namespace="n",destination_version="",route="",status_class="5xx",' +
      'grpc_status="UNAVAILABLE",reason="upstream_5xx"';
    expect(text).toContain("# TYPE weft_requests_total counter\n");
    expect(text).toContain(`weft_requests_total{${l}} 4\n`);
    expect(text).toContain("# TYPE weft_request_duration_seconds histogram\n");
    expect(text).toContain(`weft_request_duration_seconds_bucket{${l},le="0.001"} 1\n`);
    expect(text).toContain(`weft_request_duration_seconds_bucket{${l},le="0.005"} 3\n`);
    expect(text).toContain(`weft_request_duration_seconds_bucket{${l},le="10"} 3\n`);
    expect(text).toContain(`weft_request_duration_seconds_bucket{${l},le="+Inf"} 4\n`);
    expect(text).toContain(`weft_request_duration_seconds_sum{${l}} 20.0065\n`);
    expect(text).toContain(`weft_request_duration_seconds_count{${l}} 4\n`);
  });

  it("renders TCP connection and byte counters labelled by TCP_LABELS", () => {
    const tcp = createTcpStats({ self: { service: "app", namespace: "default", version: "v1" }, config: { current: EMPTY_SNAPSHOT } });
    const record = { direction: "inbound" as const, listener: "weft.inbound", cluster: "local", endpoint: "127.0.0.1:5432", peer: "spiffe://weft.local/ns/shop/sa/api", bytesFromDownstream: 10, bytesToDownstream: 200, durationMs: 1, errorCode: undefined };
    tcp.open(record);
    tcp.close(record);
    const text = renderTcpMetrics(tcp);
    const l = 'direction="inbound",source_service="api",source_namespace="shop",destination_service="app",destination_namespace="default",destination_version="v1"';
    expect(text).toContain(`weft_tcp_connections_opened_total{${l}} 1\n`);
    expect(text).toContain(`weft_tcp_connections_closed_total{${l}} 1\n`);
    expect(text).toContain(`weft_tcp_sent_bytes_total{${l}} 10\n`);
    expect(text).toContain(`weft_tcp_received_bytes_total{${l}} 200\n`);
  });
});
