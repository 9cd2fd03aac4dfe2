// Which sidecars reported telemetry, and when: explains an empty graph and gives each service its
// number of reporting instances. Bounded: at most MAX_REPORTERS nodes, none older than 7 days.
import { MINUTE_RETENTION_S } from "./store";

export const MAX_REPORTERS = 10_000;

export function createReporterLog() {
  /** Node id -> its service ("<service>.<namespace>") and last report time (ms); oldest report first. */
  const nodes = new Map<string, { service: string; at: number }>();
  return {
    reported(nodeId: string, service: string, at: number): void {
      nodes.delete(nodeId); // re-insert: the Map stays ordered by last report
      nodes.set(nodeId, { service, at });
      if (nodes.size > MAX_REPORTERS) nodes.delete(nodes.keys().next().value!);
    },
    /** Sidecars that reported at or after `sinceMs`. */
    within(sinceMs: number): { total: number; byService: Map<string, number> } {
      const byService = new Map<string, number>();
      let total = 0;
      for (const r of nodes.values()) {
        if (r.at < sinceMs) continue;
        total++;
        byService.set(r.service, (byService.get(r.service) ?? 0) + 1);
      }
      return { total, byService };
    },
    prune(nowMs: number): void {
      for (const [id, r] of nodes) {
        if (r.at >= nowMs - MINUTE_RETENTION_S * 1000) break;
        nodes.delete(id);
      }
    },
    get size(): number {
      return nodes.size;
    },
  };
}
