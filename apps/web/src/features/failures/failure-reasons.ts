// What each failure reason means to an operator (the closed FAILURE_REASONS set), the counts by
// reason with their shares, and the recent failures in the order the table shows them. Pure.
import type { FailureReason, RecentFailure } from "@weft/contracts";

/** One sentence per reason: what happened and where to look. */
export const REASON_TEXT: Record<FailureReason, string> = {
  upstream_5xx: "The service answered with a 5xx status.",
  upstream_timeout: "The service did not answer within the route's timeout.",
  upstream_connect_failed: "The sidecar could not connect to any instance it tried.",
  upstream_reset: "The connection to the service was reset mid-request.",
  no_healthy_endpoint: "No healthy instance of the service (or of the chosen version) was available.",
  no_route: "No route of the service matched the request.",
  no_config: "The sidecar had no configuration for the service yet.",
  circuit_open: "The circuit breaker was open: too many recent failures or pending requests.",
  rate_limited: "A rate-limit policy refused the request.",
  fault_injected: "A fault-injection policy aborted or delayed the request on purpose.",
  retry_budget_exhausted: "Retries were needed but the retry budget was spent.",
  downstream_disconnected: "The caller went away before the answer was sent.",
  denied: "An authorization policy or mTLS refused the caller.",
  internal: "The sidecar failed internally; its log has the details.",
};

/** Reasons that are a policy at work or the caller's own doing (amber), not the service failing (red). */
const CALLER_SIDE = new Set<FailureReason>(["downstream_disconnected", "rate_limited", "fault_injected"]);

export function reasonTone(reason: FailureReason): "warn" | "bad" {
  return CALLER_SIDE.has(reason) ? "warn" : "bad";
}

export function describeReason(reason: string): string {
  return (REASON_TEXT as Record<string, string>)[reason] ?? "A failure the console does not know; see the sidecar's log.";
}

export interface ReasonShare {
  reason: FailureReason;
  count: number;
  /** Share of all failures in the window, 0..1. */
  share: number;
}

/** Counts by reason, most frequent first (ties by name), with shares; zero counts dropped. */
export function reasonShares(counts: ReadonlyArray<{ reason: FailureReason; count: number }>): ReasonShare[] {
  const merged = new Map<FailureReason, number>();
  for (const c of counts) if (c.count > 0) merged.set(c.reason, (merged.get(c.reason) ?? 0) + c.count);
  const total = [...merged.values()].reduce((a, b) => a + b, 0);
  return [...merged.entries()]
    .sort(([ra, a], [rb, b]) => b - a || (ra < rb ? -1 : 1))
    .map(([reason, count]) => ({ reason, count, share: total > 0 ? count / total : 0 }));
}

/** A trace id worth linking to: 32 hex digits, not all zeros (sidecars send "" or zeros when untraced). */
export function traceLink(traceId: string): string | null {
  return /^[0-9a-f]{32}$/i.test(traceId) && !/^0+$/.test(traceId) ? `/traces/${traceId.toLowerCase()}` : null;
}

/** Status column text: "503", "503 · UNAVAILABLE" for gRPC, "—" when no response was sent. */
export function failureStatus(f: Pick<RecentFailure, "status" | "grpcStatus">): string {
  const http = f.status > 0 ? String(f.status) : "—";
  return f.grpcStatus && f.grpcStatus !== "OK" ? `${http} · ${f.grpcStatus}` : http;
}

/** Newest first, optionally only one reason; the list the table renders. */
export function recentFailures(failures: readonly RecentFailure[], reason?: FailureReason | null): RecentFailure[] {
  return failures.filter((f) => !reason || f.reason === reason).sort((a, b) => b.timeUnixMs - a.timeUnixMs);
}
