// Runtime state of one cluster that must outlive config swaps (kept by cluster name): host stats
// by endpoint key, the availability version the balancers cache on, circuit breaker counters and
// the retry budget window. Requests still running on an older snapshot update the same objects.
import type { Endpoint } from "../core/runtime-config";
import { CircuitBreaker } from "../resilience/circuit-breaker";
import { RetryBudgetWindow } from "../resilience/retry-budget";
import { createHost, HostStats, type AvailabilityVersion, type Host } from "./host";

export class ClusterState implements AvailabilityVersion {
  /** Bumped when a host's availability changes (health check verdict, ejection). */
  version = 0;
  readonly breaker = new CircuitBreaker();
  readonly budget = new RetryBudgetWindow();
  private statsByKey = new Map<string, HostStats>();

  /** Hosts for `endpoints`, reusing the stats of endpoints already known; forgets the others. */
  hostsFor(endpoints: readonly Endpoint[]): Host[] {
    const next = new Map<string, HostStats>();
    const hosts = endpoints.map((e) => {
      const stats = next.get(e.key) ?? this.statsByKey.get(e.key) ?? new HostStats();
      next.set(e.key, stats);
      return createHost(e, stats);
    });
    this.statsByKey = next;
    return hosts;
  }

  /** Stats of the hosts currently in the cluster (health checking, ejection accounting). */
  stats(): IterableIterator<[string, HostStats]> {
    return this.statsByKey.entries();
  }
}
