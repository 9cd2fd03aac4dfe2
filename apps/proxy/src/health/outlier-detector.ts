// Outlier detection (Envoy consecutive_5xx / consecutive_gateway_failure): a host with N
// consecutive failures is ejected for base_ejection_time x (times ejected), capped at
// max_ejection_time; the multiplier shrinks by one per quiet `interval`. No more than
// max_ejection_percent of the cluster's hosts are ejected at once (one host always may be).
// Ejections end lazily: the host set compares ejectedUntil with the clock.
import type { OutlierDetection } from "../core/traffic-policy";
import type { ClusterState } from "../balance/cluster-state";
import type { HostStats } from "../balance/host";

export type Outcome = "success" | "5xx" | "gateway_failure";

/** 502, 503, 504 and local-origin failures (connect, reset, timeout) count as gateway failures, and as 5xx. */
export function classifyStatus(status: number): Outcome {
  if (status === 502 || status === 503 || status === 504) return "gateway_failure";
  return status >= 500 ? "5xx" : "success";
}

export function recordOutcome(
  state: ClusterState,
  stats: HostStats,
  outcome: Outcome,
  od: OutlierDetection,
  nowMs: number,
  random: () => number,
): boolean {
  if (outcome === "success") {
    stats.consecutive5xx = 0;
    stats.consecutiveGatewayFailures = 0;
    return false;
  }
  stats.consecutive5xx++;
  if (outcome === "gateway_failure") stats.consecutiveGatewayFailures++;
  const by5xx = od.consecutive5xx > 0 && stats.consecutive5xx >= od.consecutive5xx && random() * 100 < od.enforcing5xx;
  const byGateway =
    !by5xx && od.consecutiveGatewayFailure > 0 && stats.consecutiveGatewayFailures >= od.consecutiveGatewayFailure && random() * 100 < od.enforcingGatewayFailure;
  if (!by5xx && !byGateway) return false;
  return eject(state, stats, od, nowMs);
}

function eject(state: ClusterState, stats: HostStats, od: OutlierDetection, nowMs: number): boolean {
  if (stats.ejectedUntil > nowMs) return false;
  let total = 0;
  let ejected = 0;
  for (const [, s] of state.stats()) {
    total++;
    if (s.ejectedUntil > nowMs) ejected++;
  }
  if (ejected > 0 && (ejected + 1) * 100 > od.maxEjectionPercent * total) return false;
  if (stats.ejectedUntil > 0) {
    const quiet = Math.floor((nowMs - stats.ejectedUntil) / od.intervalMs);
    stats.ejections = Math.max(0, stats.ejections - quiet);
  }
  stats.ejections++;
  stats.ejectedUntil = nowMs + Math.min(od.baseEjectionMs * stats.ejections, od.maxEjectionMs);
  stats.consecutive5xx = 0;
  stats.consecutiveGatewayFailures = 0;
  state.version++;
  return true;
}
