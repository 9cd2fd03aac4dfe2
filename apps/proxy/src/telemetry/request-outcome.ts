// What happened to a request, in the bounded vocabulary telemetry uses: its gRPC status and, when it
// failed, why — one of FAILURE_REASONS, mapped from the sidecar's error codes and policy decisions
// (ctx.errorCode, ctx.reason) and the upstream's answer.
import { ErrorCode, type FailureReason } from "@weft/contracts";
import type { RequestRecord } from "../core/events";
import { H2Error } from "../http2/frames";
import { GrpcStatus, grpcStatusOf, knownGrpcStatus } from "../core/grpc";

/**
 * The gRPC status the client saw, -1 for non-gRPC requests. A deadline the sidecar enforced wins;
 * then what the response carried; without one (reset mid-stream, client gone) the sidecar's error
 * code decides, else CANCELLED when the client left before an answer, else UNKNOWN.
 */
export function grpcStatusOfRecord(r: RequestRecord): number {
  if (!r.grpc) return -1;
  if (r.deadlineExceeded) return GrpcStatus.DEADLINE_EXCEEDED;
  if (r.grpcStatus >= 0) return knownGrpcStatus(r.grpcStatus);
  if (r.errorCode !== undefined) return grpcStatusOf(r.errorCode, 503);
  return r.status === 0 || clientCancelled(r) ? GrpcStatus.CANCELLED : GrpcStatus.UNKNOWN;
}

/** The HTTP/2 client reset its stream (gRPC cancellation) before the response was complete. */
function clientCancelled(r: RequestRecord): boolean {
  return r.httpVersion === 2 && r.downstreamRst === H2Error.Cancel;
}

/** gRPC statuses that mean the server failed (their HTTP equivalent is 5xx); the others are the caller's problem. */
function grpcServerFailure(code: number): boolean {
  return code === 2 || code === 4 || code === 12 || code === 13 || code === 14 || code === 15;
}

/** The failure reason of a local error code (the sidecar answered itself). */
function reasonOfCode(code: ErrorCode): FailureReason {
  switch (code) {
    case ErrorCode.NoConfig:
    case ErrorCode.ClusterNotFound: // the route names a cluster not received (yet): incomplete config
      return "no_config";
    case ErrorCode.RouteNotFound:
      return "no_route";
    case ErrorCode.NoHealthyEndpoint:
      return "no_healthy_endpoint";
    case ErrorCode.UpstreamConnectFailed:
      return "upstream_connect_failed";
    case ErrorCode.UpstreamReset:
      return "upstream_reset";
    case ErrorCode.UpstreamTimeout:
      return "upstream_timeout";
    case ErrorCode.CircuitOpen:
      return "circuit_open";
    case ErrorCode.RateLimited:
      return "rate_limited";
    case ErrorCode.FaultInjected:
      return "fault_injected";
    case ErrorCode.Forbidden:
    case ErrorCode.Unauthenticated:
      return "denied";
    default:
      return "internal";
  }
}

/**
 * Why the request failed, "" when it did not. Failed = the sidecar answered with an error of its
 * own, the upstream answered 5xx (or a gRPC server-failure status), or no answer was sent at all.
 * An upstream failure that a retry could have saved but the retry budget (or max_retries) refused
 * is `retry_budget_exhausted`: that is what an operator can act on.
 */
export function failureReasonOf(r: RequestRecord, grpcStatus: number): FailureReason | "" {
  let reason: FailureReason;
  if (r.errorCode !== undefined) reason = reasonOfCode(r.errorCode);
  // No answer sent, or a gRPC call the client cancelled (a CANCELLED the upstream sent is its answer).
  else if (r.status === 0 || (grpcStatus === GrpcStatus.CANCELLED && r.grpcStatus < 0)) return "downstream_disconnected";
  else if (r.status >= 500 || (grpcStatus >= 0 && grpcServerFailure(grpcStatus))) reason = "upstream_5xx";
  else return "";
  if ((r.reason === "retry_budget_exhausted" || r.reason === "retry_overflow") && (reason === "upstream_5xx" || reason === "upstream_connect_failed" || reason === "upstream_reset")) {
    return "retry_budget_exhausted";
  }
  return reason;
}
