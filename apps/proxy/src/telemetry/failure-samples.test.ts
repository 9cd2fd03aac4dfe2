import { describe, expect, it } from "vitest";
import { MAX_FAILURE_SAMPLES } from "@weft/contracts";
import { makeContext } from "../../test/support/runtime";
import { createFailureSamples } from "./failure-samples";

function failed(i: number, path = `/items/${i}?token=secret`) {
  const ctx = makeContext({ path, method: "POST" });
  ctx.status = 503;
  ctx.durationMs = i;
  ctx.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  ctx.destination = { service: "ratings", namespace: "shop", version: "v1" };
  ctx.route = { name: "default" } as never;
  return ctx;
}

describe("failure samples", () => {
  it("keeps the newest MAX_FAILURE_SAMPLES of a window, newest first, without query strings", () => {
    const samples = createFailureSamples();
    for (let i = 0; i < 50; i++) samples.record(failed(i), "upstream_5xx", "", 1_000 + i);
    const taken = samples.take();
    expect(taken).toHaveLength(MAX_FAILURE_SAMPLES);
    expect(taken.map((s) => s.timeUnixMs)).toEqual(Array.from({ length: 20 }, (_, k) => 1_049 - k));
    expect(taken[0]).toEqual({
      timeUnixMs: 1_049,
      traceId: "", // not sampled: no trace to open
      direction: "outbound",
      sourceService: "productpage",
      destinationService: "ratings",
      destinationNamespace: "shop",
      destinationVersion: "v1",
      route: "default",
      method: "POST",
      path: "/items/49",
      status: 503,
      grpcStatus: "",
      reason: "upstream_5xx",
      durationMs: 49,
      upstream: "",
    });
    expect(samples.take()).toEqual([]);
  });

  it("carries the trace id of sampled requests and truncates long paths to 256 characters", () => {
    const samples = createFailureSamples();
    const ctx = failed(1, "/" + "a".repeat(1000));
    ctx.span = {} as never;
    samples.record(ctx, "upstream_timeout", "DEADLINE_EXCEEDED", 5);
    const [s] = samples.take();
    expect(s).toMatchObject({ traceId: "4bf92f3577b34da6a3ce929d0e0e4736", grpcStatus: "DEADLINE_EXCEEDED", reason: "upstream_timeout" });
    expect(s!.path).toHaveLength(256);
  });

  it("an undelivered window merges back behind newer failures, still bounded", () => {
    const samples = createFailureSamples(3);
    samples.record(failed(1), "upstream_5xx", "", 1);
    samples.record(failed(2), "upstream_5xx", "", 2);
    const lost = samples.take();
    samples.record(failed(3), "upstream_5xx", "", 3);
    samples.restore(lost);
    expect(samples.take().map((s) => s.timeUnixMs)).toEqual([3, 2, 1]);
    samples.record(failed(4), "upstream_5xx", "", 4);
    samples.record(failed(5), "upstream_5xx", "", 5);
    samples.restore([{ ...lost[0]!, timeUnixMs: 0 }, { ...lost[0]!, timeUnixMs: -1 }]);
    expect(samples.take().map((s) => s.timeUnixMs)).toEqual([5, 4, 0]);
  });
});
