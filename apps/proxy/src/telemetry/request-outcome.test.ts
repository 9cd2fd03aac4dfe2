import { describe, expect, it } from "vitest";
import { ErrorCode, FAILURE_REASONS } from "@weft/contracts";
import type { LocalReason } from "../core/traffic-policy";
import { makeContext } from "../../test/support/runtime";
import { grpcStatusName } from "../core/grpc";
import { failureReasonOf, grpcStatusOfRecord } from "./request-outcome";

function outcome(over: { status: number; errorCode?: ErrorCode; reason?: LocalReason; grpc?: boolean; grpcStatus?: number; deadline?: boolean }) {
  const ctx = makeContext({});
  ctx.status = over.status;
  ctx.errorCode = over.errorCode;
  ctx.reason = over.reason;
  ctx.grpc = over.grpc ?? false;
  ctx.grpcStatus = over.grpcStatus ?? -1;
  ctx.deadlineExceeded = over.deadline ?? false;
  const grpc = grpcStatusOfRecord(ctx);
  return { grpc, reason: failureReasonOf(ctx, grpc) };
}

describe("request outcome", () => {
  it("maps every local error code onto FAILURE_REASONS", () => {
    const cases: Array<[ErrorCode, number, string]> = [
      [ErrorCode.NoConfig, 503, "no_config"],
      [ErrorCode.ClusterNotFound, 503, "no_config"],
      [ErrorCode.RouteNotFound, 404, "no_route"],
      [ErrorCode.NoHealthyEndpoint, 503, "no_healthy_endpoint"],
      [ErrorCode.UpstreamConnectFailed, 503, "upstream_connect_failed"],
      [ErrorCode.UpstreamReset, 503, "upstream_reset"],
      [ErrorCode.UpstreamTimeout, 504, "upstream_timeout"],
      [ErrorCode.CircuitOpen, 503, "circuit_open"],
      [ErrorCode.RateLimited, 429, "rate_limited"],
      [ErrorCode.FaultInjected, 418, "fault_injected"],
      [ErrorCode.Forbidden, 403, "denied"],
      [ErrorCode.Internal, 500, "internal"],
    ];
    for (const [code, status, reason] of cases) expect([code, outcome({ status, errorCode: code }).reason]).toEqual([code, reason]);
  });

  it("every policy decision a layer records on ctx.reason lands in FAILURE_REASONS (with the error it raises)", () => {
    const cases: Array<[LocalReason, number, ErrorCode | undefined, string]> = [
      ["upstream_timeout", 504, ErrorCode.UpstreamTimeout, "upstream_timeout"],
      ["per_try_timeout", 504, ErrorCode.UpstreamTimeout, "upstream_timeout"],
      ["no_healthy_endpoint", 503, ErrorCode.NoHealthyEndpoint, "no_healthy_endpoint"],
      ["circuit_open", 503, ErrorCode.CircuitOpen, "circuit_open"],
      ["pending_overflow", 503, ErrorCode.CircuitOpen, "circuit_open"],
      ["rate_limited", 429, ErrorCode.RateLimited, "rate_limited"],
      ["fault_injected", 503, ErrorCode.FaultInjected, "fault_injected"],
      ["fault_delayed", 200, undefined, ""],
      ["retry_budget_exhausted", 503, undefined, "retry_budget_exhausted"],
      ["retry_overflow", 502, undefined, "retry_budget_exhausted"],
      ["retried", 200, undefined, ""],
    ];
    for (const [decision, status, errorCode, reason] of cases) {
      const got = outcome({ status, reason: decision, ...(errorCode ? { errorCode } : {}) }).reason;
      expect([decision, got]).toEqual([decision, reason]);
      if (got !== "") expect(FAILURE_REASONS).toContain(got);
    }
  });

  it("upstream answers: 5xx fails, 4xx and below do not; no answer at all is a disconnected client", () => {
    expect(outcome({ status: 503 }).reason).toBe("upstream_5xx");
    expect(outcome({ status: 500 }).reason).toBe("upstream_5xx");
    expect(outcome({ status: 404 }).reason).toBe("");
    expect(outcome({ status: 200 }).reason).toBe("");
    expect(outcome({ status: 0 }).reason).toBe("downstream_disconnected");
  });

  it("an upstream failure the retry budget refused to retry is retry_budget_exhausted; other decisions keep the cause", () => {
    expect(outcome({ status: 503, reason: "retry_budget_exhausted" }).reason).toBe("retry_budget_exhausted");
    expect(outcome({ status: 503, reason: "retry_overflow" }).reason).toBe("retry_budget_exhausted");
    expect(outcome({ status: 503, errorCode: ErrorCode.UpstreamConnectFailed, reason: "retry_budget_exhausted" }).reason).toBe("retry_budget_exhausted");
    expect(outcome({ status: 504, errorCode: ErrorCode.UpstreamTimeout, reason: "per_try_timeout" }).reason).toBe("upstream_timeout");
    expect(outcome({ status: 503, reason: "retried" }).reason).toBe("upstream_5xx");
    expect(outcome({ status: 200, reason: "retried" }).reason).toBe("");
  });

  it("gRPC: the status the response carried; server-failure codes fail, caller errors do not; deadlines and resets", () => {
    expect(outcome({ status: 200, grpc: true, grpcStatus: 0 })).toEqual({ grpc: 0, reason: "" });
    expect(outcome({ status: 200, grpc: true, grpcStatus: 5 })).toEqual({ grpc: 5, reason: "" }); // NOT_FOUND
    expect(outcome({ status: 200, grpc: true, grpcStatus: 14 })).toEqual({ grpc: 14, reason: "upstream_5xx" }); // UNAVAILABLE
    expect(outcome({ status: 200, grpc: true, grpcStatus: 99 })).toEqual({ grpc: 2, reason: "upstream_5xx" }); // out of spec = UNKNOWN
    expect(outcome({ status: 200, grpc: true, deadline: true, errorCode: ErrorCode.UpstreamTimeout })).toEqual({ grpc: 4, reason: "upstream_timeout" });
    expect(outcome({ status: 200, grpc: true, errorCode: ErrorCode.UpstreamReset })).toEqual({ grpc: 14, reason: "upstream_reset" });
    expect(outcome({ status: 0, grpc: true })).toEqual({ grpc: 1, reason: "downstream_disconnected" });
    expect(outcome({ status: 200 }).grpc).toBe(-1);
    expect([grpcStatusName(0), grpcStatusName(14), grpcStatusName(16), grpcStatusName(42)]).toEqual(["OK", "UNAVAILABLE", "UNAUTHENTICATED", "UNKNOWN"]);
  });
});
