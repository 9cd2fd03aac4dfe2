// Active HTTP health checks (cluster health_checks[0].http_health_check): every host of a cluster
// that has one is probed with `GET path` (Host: the check's host, default the cluster name) every
// `interval`, each probe bounded by `timeout`; unhealthy_threshold consecutive failures take the
// host out of balancing, healthy_threshold consecutive successes bring it back. Hosts start
// healthy and are probed at once. Timers on the injected clock; probes use their own keep-alive
// connection per host (h1-pool.ts), never the data path's, over the transport the data path would
// use for that host (mTLS to a peer sidecar, as Envoy probes through the matched transport socket).
import type { Readable } from "node:stream";
import { hostOf, HTTP1_ALPN, openUpstreamSocket } from "../upstream/connect";
import { upstreamTlsFor, type UpstreamTls } from "../core/transport-config";
import type { TlsMaterial } from "../tls/material";
import { createH1Pool } from "../upstream/h1-pool";
import type { Clock } from "../core/clock";
import type { ConfigSnapshot } from "../core/runtime-config";
import type { HealthCheck } from "../core/traffic-policy";
import type { ClusterState } from "../balance/cluster-state";
import type { Host, HostStats } from "../balance/host";

export interface HealthCheckingOptions {
  clock: Clock;
  /** The sidecar's current workload certificate (mTLS probes); undefined while it has none. */
  tls: () => TlsMaterial | undefined;
  /** Called after each probe (tests, logs). */
  onProbe?: (result: { cluster: string; host: string; healthy: boolean; verdict: boolean }) => void;
}

export interface HealthChecking {
  /** Starts checks for new hosts of clusters with a health check, stops those that left. */
  sync(snapshot: ConfigSnapshot): void;
  /** Resolves when no probe is in flight. */
  settled(): Promise<void>;
  close(): Promise<void>;
}

interface Checker {
  configKey: string;
  state: ClusterState;
  stop(): void;
}

export function createHealthChecking(options: HealthCheckingOptions): HealthChecking {
  const { clock, onProbe, tls: currentTls } = options;
  const checkers = new Map<HostStats, Checker>();
  const inFlight = new Set<Promise<void>>();
  let closed = false;

  function start(cluster: string, state: ClusterState, host: Host, hc: HealthCheck, configKey: string, tls: UpstreamTls | undefined, connectTimeoutMs: number): Checker {
    let timer: { cancel(): void } | undefined;
    let controller: AbortController | undefined;
    let stopped = false;
    const stats = host.stats;
    const pool = createH1Pool(
      {
        connect: () => openUpstreamSocket({ endpoint: host, tls, material: tls === undefined ? undefined : currentTls(), alpn: tls === undefined ? [] : HTTP1_ALPN, connectTimeoutMs }),
        authority: `${hostOf(host.address)}:${host.port}`,
        keepAliveTimeoutMs: 60_000,
        headersTimeoutMs: 0, // the probe's own timeout applies
      },
      () => clock.now(),
    );

    async function probe(): Promise<void> {
      timer = undefined;
      if (tls !== undefined && currentTls() === undefined) {
        // No workload certificate yet (the CA has not answered): no verdict either way.
        timer = clock.setTimeout(run, hc.intervalMs);
        return;
      }
      controller = new AbortController();
      const abort = controller;
      const deadline = clock.setTimeout(() => abort.abort(), hc.timeoutMs);
      let healthy = false;
      try {
        const res = await pool.request({ method: "GET", path: hc.path, headers: { host: hc.host, "user-agent": "weft-health-check" }, body: null, signal: abort.signal });
        if (res.body !== null && !Buffer.isBuffer(res.body)) await drain(res.body);
        healthy = hc.expectedStatuses.some(([from, to]) => res.statusCode >= from && res.statusCode < to);
      } catch {
        healthy = false;
      } finally {
        deadline.cancel();
      }
      if (stopped) return;
      if (healthy) {
        stats.healthCheckFailures = 0;
        stats.healthCheckSuccesses++;
        if (!stats.activeHealthy && stats.healthCheckSuccesses >= hc.healthyThreshold) {
          stats.activeHealthy = true;
          state.version++;
        }
      } else {
        stats.healthCheckSuccesses = 0;
        stats.healthCheckFailures++;
        if (stats.activeHealthy && stats.healthCheckFailures >= hc.unhealthyThreshold) {
          stats.activeHealthy = false;
          state.version++;
        }
      }
      onProbe?.({ cluster, host: host.key, healthy, verdict: stats.activeHealthy });
      timer = clock.setTimeout(run, hc.intervalMs);
    }

    function run(): void {
      const p = probe();
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    }

    run();
    return {
      configKey,
      state,
      stop() {
        stopped = true;
        timer?.cancel();
        controller?.abort();
        pool.destroy();
      },
    };
  }

  return {
    sync(snapshot) {
      if (closed) return;
      const seen = new Set<HostStats>();
      for (const cluster of snapshot.clusters.values()) {
        const hc = cluster.config.policy.healthCheck;
        if (hc === undefined) continue;
        const hcKey = JSON.stringify(hc);
        const transport = cluster.config.transport;
        for (const host of cluster.hostSet.hosts) {
          const tls = transport.matches.length === 0 ? transport.tls : upstreamTlsFor(transport, snapshot.endpointLabels?.get(host.key));
          const configKey = `${host.key} ${hcKey} ${tls?.key ?? "plaintext"} ${cluster.config.connectTimeoutMs}`;
          seen.add(host.stats);
          const existing = checkers.get(host.stats);
          if (existing?.configKey === configKey) continue;
          existing?.stop();
          checkers.set(host.stats, start(cluster.config.name, cluster.state, host, hc, configKey, tls, cluster.config.connectTimeoutMs));
        }
      }
      for (const [stats, checker] of checkers) {
        if (seen.has(stats)) continue;
        checker.stop();
        checkers.delete(stats);
        // A host that leaves active checking (check removed from the cluster) counts as healthy again.
        if (!stats.activeHealthy) {
          stats.activeHealthy = true;
          checker.state.version++;
        }
      }
    },
    async settled() {
      while (inFlight.size > 0) await Promise.all([...inFlight]);
    },
    async close() {
      closed = true;
      for (const c of checkers.values()) c.stop();
      checkers.clear();
      await Promise.allSettled([...inFlight]);
    },
  };
}

/** Reads a probe's response body to its end (the connection is reused only after it). */
function drain(body: Readable): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    body.once("end", resolve).once("error", reject).resume();
  });
}
