// A cluster's endpoints as the balancers see them: each Host is the endpoint plus mutable stats
// (load, latency, active health, ejection) that survive config swaps while the endpoint stays. The
// HostSet answers "which hosts may take traffic now", cached until health or an ejection changes.
import type { Endpoint } from "../core/runtime-config";
import { isServing } from "./endpoint-set";

export class HostStats {
  /** Requests sent to the host and not yet answered (response headers). */
  outstanding = 0;
  /** Peak-EWMA latency estimate, ms; < 0 until the first response. */
  ewmaMs = -1;
  /** Clock time of the last EWMA update, ms. */
  ewmaAt = 0;
  consecutive5xx = 0;
  consecutiveGatewayFailures = 0;
  /** Ejected by outlier detection until this clock time, ms (0 = not ejected). */
  ejectedUntil = 0;
  /** Ejection multiplier: grows per ejection, shrinks per quiet interval. */
  ejections = 0;
  /** Active health check verdict; true until checks say otherwise. */
  activeHealthy = true;
  healthCheckSuccesses = 0;
  healthCheckFailures = 0;
}

export interface Host extends Endpoint {
  readonly stats: HostStats;
}

/** Version counter bumped whenever a host's availability changes outside of time (health checks). */
export interface AvailabilityVersion {
  version: number;
}

export interface HostSet {
  readonly hosts: readonly Host[];
  /** Hosts that may take traffic at `nowMs`: EDS-healthy, passing active checks, not ejected. */
  available(nowMs: number): readonly Host[];
}

export function createHost(endpoint: Endpoint, stats: HostStats): Host {
  return { address: endpoint.address, port: endpoint.port, weight: endpoint.weight, health: endpoint.health, key: endpoint.key, stats };
}

export function createHostSet(hosts: readonly Host[], availability: AvailabilityVersion): HostSet {
  const serving = hosts.filter(isServing);
  let cached: readonly Host[] = serving;
  let cachedVersion = -1;
  /** Earliest end of an ejection among the cached set's excluded hosts (recompute after it). */
  let validUntil = 0;
  return {
    hosts,
    available(nowMs) {
      if (cachedVersion === availability.version && nowMs < validUntil) return cached;
      let nextChange = Infinity;
      let all = true;
      for (let i = 0; i < serving.length; i++) {
        const s = serving[i]!.stats;
        if (!s.activeHealthy || s.ejectedUntil > nowMs) all = false;
        if (s.ejectedUntil > nowMs && s.ejectedUntil < nextChange) nextChange = s.ejectedUntil;
      }
      cached = all ? serving : serving.filter((h) => h.stats.activeHealthy && h.stats.ejectedUntil <= nowMs);
      cachedVersion = availability.version;
      validUntil = nextChange;
      return cached;
    },
  };
}
