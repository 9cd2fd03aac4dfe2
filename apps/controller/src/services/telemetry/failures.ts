// Recent failed requests as sidecars sample them (at most MAX_FAILURE_SAMPLES per report), per
// target service, newest last. In memory only: a ring per service and a global cap, beyond which
// the service holding the most samples gives up its oldest, so one noisy service cannot erase
// another's history.
import type { FailureSample, RecentFailure } from "@weft/contracts";
import { EXTERNAL } from "./record";

export interface FailureLogLimits {
  /** Samples kept per target service (the API's largest page). */
  perService: number;
  total: number;
}

export const DEFAULT_FAILURE_LIMITS: FailureLogLimits = { perService: 200, total: 20_000 };

export type FailureLog = ReturnType<typeof createFailureLog>;

export function createFailureLog(limits: FailureLogLimits = DEFAULT_FAILURE_LIMITS) {
  const byService = new Map<string, RecentFailure[]>();
  let total = 0;

  function shrinkLargest(): void {
    let largest: RecentFailure[] | undefined;
    let largestKey = "";
    for (const [k, list] of byService) if (!largest || list.length > largest.length) [largest, largestKey] = [list, k];
    if (!largest) return;
    // A tenth at a time: one scan per many inserts once the log is full.
    const n = Math.max(1, Math.ceil(largest.length / 10));
    largest.splice(0, n);
    total -= n;
    if (largest.length === 0) byService.delete(largestKey);
  }

  return {
    add(nodeId: string, sample: FailureSample): void {
      // The same failure may be sampled by both sidecars: keep the caller's view of meshed calls
      // (it also sees failures that never reached the target), the target's view of external callers.
      if (sample.direction === "inbound" && sample.sourceService !== "" && sample.sourceService !== EXTERNAL) return;
      const key = `${sample.destinationService}.${sample.destinationNamespace}`;
      let list = byService.get(key);
      if (!list) byService.set(key, (list = []));
      list.push({ ...sample, nodeId });
      total++;
      if (list.length > limits.perService) {
        list.shift();
        total--;
      }
      while (total > limits.total) shrinkLargest();
    },

    /** Newest first. */
    recent(service: string, namespace: string, limit: number): RecentFailure[] {
      const list = byService.get(`${service}.${namespace}`) ?? [];
      return list.slice(-limit).sort((a, b) => b.timeUnixMs - a.timeUnixMs);
    },

    get size(): number {
      return total;
    },
  };
}
