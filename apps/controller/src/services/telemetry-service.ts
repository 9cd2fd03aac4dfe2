// Live telemetry from sidecar reports: per-second buckets of edge deltas for the last few minutes,
// in memory, and the service graph computed from them. Memory is bounded: at most
// MAX_EDGES_PER_SECOND series per second and RETENTION_SECONDS seconds are kept.
import type { GraphEdge, GraphNode, ServiceGraph, TelemetryReport } from "@weft/contracts";
import { addBuckets, emptyBuckets, quantileMs } from "../domain/latency";
import type { MeshSnapshot } from "../domain/snapshot";
import type { Clock } from "../ports/clock";

export const RETENTION_SECONDS = 120;
export const MAX_EDGES_PER_SECOND = 20_000;
export const EXTERNAL = "external";

interface Agg {
  direction: "inbound" | "outbound";
  source: string;
  target: string;
  targetVersion: string;
  requests: number;
  failures: number;
  durationSumMs: number;
  buckets: number[];
}

export type TelemetryService = ReturnType<typeof createTelemetryService>;

export function createTelemetryService(deps: { clock: Clock; snapshot: () => MeshSnapshot; onReport?: (nodeId: string) => void }) {
  const seconds = new Map<number, Map<string, Agg>>();
  const reporters = new Map<string, { service: string; at: number }>();
  let dropped = 0;

  function prune(nowSec: number) {
    for (const s of seconds.keys()) if (s < nowSec - RETENTION_SECONDS) seconds.delete(s);
    for (const [node, r] of reporters) if (r.at < (nowSec - RETENTION_SECONDS) * 1000) reporters.delete(node);
  }

  return {
    ingest(report: TelemetryReport): void {
      const now = deps.clock.now();
      reporters.set(report.nodeId, { service: `${report.service}.${report.namespace}`, at: now });
      deps.onReport?.(report.nodeId);
      const sec = Math.floor(report.windowStartMs / 1000);
      if (sec < Math.floor(now / 1000) - RETENTION_SECONDS) return;
      let bucket = seconds.get(sec);
      if (!bucket) {
        bucket = new Map();
        seconds.set(sec, bucket);
        prune(Math.floor(now / 1000));
      }
      for (const e of report.edges) {
        const source = e.sourceService && e.sourceService !== EXTERNAL ? `${e.sourceService}.${e.sourceNamespace}` : EXTERNAL;
        const target = `${e.destinationService}.${e.destinationNamespace}`;
        const key = `${e.direction}|${source}|${target}|${e.destinationVersion}`;
        let agg = bucket.get(key);
        if (!agg) {
          if (bucket.size >= MAX_EDGES_PER_SECOND) {
            dropped++;
            continue;
          }
          agg = { direction: e.direction, source, target, targetVersion: e.destinationVersion, requests: 0, failures: 0, durationSumMs: 0, buckets: emptyBuckets() };
          bucket.set(key, agg);
        }
        agg.requests += e.requests;
        agg.failures += e.failures;
        agg.durationSumMs += e.durationSumMs;
        addBuckets(agg.buckets, e.durationBuckets);
      }
    },

    graph(windowSeconds: number): ServiceGraph {
      const now = deps.clock.now();
      // A second's report arrives up to one interval after it ends: the window ends at the newest
      // second whose reports are surely in, so a rate is never understated by a missing report.
      const endSec = Math.floor(now / 1000) - 2;
      const startSec = endSec - windowSeconds + 1;
      const edges = new Map<string, Agg>();
      const inboundByNode = new Map<string, { requests: number; failures: number }>();
      for (const [sec, bucket] of seconds) {
        if (sec < startSec || sec > endSec) continue;
        for (const a of bucket.values()) {
          if (a.direction === "inbound") {
            const n = inboundByNode.get(a.target) ?? { requests: 0, failures: 0 };
            n.requests += a.requests;
            n.failures += a.failures;
            inboundByNode.set(a.target, n);
          }
          // Meshed calls are reported by both sidecars: edges come from the caller's (outbound)
          // side, plus inbound traffic from outside the mesh, which only the callee sees.
          if (a.direction === "inbound" && a.source !== EXTERNAL) continue;
          const key = `${a.source}|${a.target}|${a.targetVersion}`;
          const e = edges.get(key) ?? { ...a, requests: 0, failures: 0, durationSumMs: 0, buckets: emptyBuckets() };
          e.requests += a.requests;
          e.failures += a.failures;
          e.durationSumMs += a.durationSumMs;
          addBuckets(e.buckets, a.buckets);
          edges.set(key, e);
        }
      }

      const reportingBy = new Map<string, number>();
      let reportingProxies = 0;
      for (const r of reporters.values()) {
        if (r.at < now - windowSeconds * 1000 - 2000) continue;
        reportingProxies++;
        reportingBy.set(r.service, (reportingBy.get(r.service) ?? 0) + 1);
      }

      const snapshot = deps.snapshot();
      const nodes: GraphNode[] = snapshot.clusters
        .filter((c) => c.version === null)
        .map((c) => {
          const id = `${c.service}.${c.namespace}`;
          const versions = snapshot.clusters.filter((v) => v.version !== null && v.service === c.service && v.namespace === c.namespace).map((v) => v.version!);
          const traffic = inboundByNode.get(id) ?? { requests: 0, failures: 0 };
          const instances = reportingBy.get(id) ?? 0;
          const errorRate = traffic.requests > 0 ? traffic.failures / traffic.requests : 0;
          const health: GraphNode["health"] =
            instances === 0 ? "unknown" : traffic.requests === 0 ? "idle" : errorRate >= 0.05 ? "failing" : errorRate >= 0.01 ? "degraded" : "healthy";
          return { id, name: c.service, namespace: c.namespace, versions, reportingInstances: instances, requestsPerSecond: traffic.requests / windowSeconds, errorRate, health };
        });
      const graphEdges: GraphEdge[] = [...edges.values()]
        .filter((e) => e.requests > 0)
        .map((e) => ({
          source: e.source,
          target: e.target,
          targetVersion: e.targetVersion,
          requestsPerSecond: e.requests / windowSeconds,
          errorRate: e.failures / e.requests,
          p99Ms: quantileMs(e.buckets, 0.99),
        }))
        .sort((a, b) => a.source.localeCompare(b.source) || a.target.localeCompare(b.target) || a.targetVersion.localeCompare(b.targetVersion));
      if (graphEdges.some((e) => e.source === EXTERNAL)) {
        nodes.unshift({ id: EXTERNAL, name: EXTERNAL, namespace: "", versions: [], reportingInstances: 0, requestsPerSecond: 0, errorRate: 0, health: "unknown" });
      }
      return { windowSeconds, generatedAt: new Date(now).toISOString(), nodes, edges: graphEdges, reportingProxies };
    },

    /** Series refused because a second already held MAX_EDGES_PER_SECOND (cardinality guard). */
    droppedSeries: () => dropped,
  };
}
