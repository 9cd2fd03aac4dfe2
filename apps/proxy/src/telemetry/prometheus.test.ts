import { describe, expect, it } from "vitest";
import { createEdgeStats } from "./edge-stats";
import { renderEdgeMetrics } from "./prometheus";
import { makeContext } from "../../test/support/runtime";

describe("renderEdgeMetrics", () => {
  it("renders counters and a cumulative histogram in the Prometheus text format", () => {
    const stats = createEdgeStats();
    for (const ms of [0.5, 3, 3, 20000]) {
      const ctx = makeContext({});
      ctx.status = 200;
      ctx.durationMs = ms;
      ctx.destination = { service: 'we"ird\\', namespace: "n", version: "" };
      stats.record(ctx);
    }
    const text = renderEdgeMetrics(stats);
    const l =
      'direction="outbound",source_service="productpage",source_namespace="default",source_version="v1",' +
      'destination_service="we\\"ird\\\\",destination_namespace="n",destination_version="",route="",status_class="2xx"';
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
});
