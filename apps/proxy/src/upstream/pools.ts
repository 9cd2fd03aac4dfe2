// Upstream connections, shared by every cluster containing an endpoint: HTTP/1.1 keep-alive pools
// (h1-pool.ts, one per endpoint and transport) and HTTP/2 sessions (the sidecar's own client codec, see h2-sessions.ts).
// TLS connections carry the certificate generation in their key, so a rotated certificate is used
// by new connections while old ones finish gracefully. Pools and sessions of endpoints that left
// the config are closed gracefully after each config swap.
import type { Clock } from "../core/clock";
import { systemClock } from "../core/clock";
import type { Endpoint } from "../core/runtime-config";
import type { UpstreamTls } from "../core/transport-config";
import type { TlsMaterial } from "../tls/material";
import { hostOf, HTTP1_ALPN, noCertificateError, openUpstreamSocket } from "./connect";
import { createH1Pool, type H1Pool } from "./h1-pool";
import { createH2Sessions, type H2Sessions } from "./h2-sessions";

export interface UpstreamPoolsOptions {
  /** Idle keep-alive time of an upstream connection, ms (shorter `Keep-Alive: timeout` hints win). */
  keepAliveTimeoutMs?: number;
  /** Time to receive response headers, ms; 0 disables (route timeouts are the timeout layer's). */
  headersTimeoutMs?: number;
  /** Keep-alive and headers-timeout sweeps (tests: a fake clock). */
  clock?: Clock;
  /** The sidecar's current TLS material (undefined until it has a certificate, or without identity). */
  tls?: () => TlsMaterial | undefined;
}

export interface UpstreamPools {
  /** HTTP/1.1 pool to `endpoint`, plaintext or TLS (ALPN http/1.1). */
  http1(endpoint: Endpoint, tls: UpstreamTls | undefined, connectTimeoutMs: number): H1Pool;
  readonly h2: H2Sessions;
  /** The TLS material new connections use. */
  tls(): TlsMaterial | undefined;
  /** Endpoint+TLS keys whose server chose HTTP/1.1 over ALPN (auto_config clusters). */
  readonly http1Only: Set<string>;
  /** Closes pools and sessions whose endpoint key is not in `keys` (gracefully: in-flight requests complete). */
  retain(keys: ReadonlySet<string>): void;
  /** Gracefully closes TLS connections made with a certificate older than `generation`. */
  retireTls(generation: number): void;
  size(): number;
  /** Destroys every pool and session (in-flight requests fail); for shutdown. */
  close(): Promise<void>;
}

interface PoolEntry {
  pool: H1Pool;
  endpointKey: string;
  /** TLS material generation (0 = plaintext). */
  generation: number;
}

/** How often idle connections and overdue response heads are looked for, ms. */
const SWEEP_MS = 1_000;

export function createUpstreamPools(options: UpstreamPoolsOptions = {}): UpstreamPools {
  const pools = new Map<string, PoolEntry>();
  const keepAliveTimeoutMs = options.keepAliveTimeoutMs ?? 4_000;
  const headersTimeoutMs = options.headersTimeoutMs ?? 300_000;
  const clock = options.clock ?? systemClock;
  const currentTls = options.tls ?? (() => undefined);
  const h2 = createH2Sessions();
  const http1Only = new Set<string>();
  let sweeping: { cancel(): void } | undefined;

  function sweep(): void {
    sweeping = undefined;
    const now = clock.now();
    for (const entry of pools.values()) entry.pool.sweep(now);
    if (pools.size > 0) sweeping = clock.setTimeout(sweep, SWEEP_MS);
  }

  const close = (entry: PoolEntry) => entry.pool.close();

  return {
    http1(endpoint, tls, connectTimeoutMs) {
      const material = tls === undefined ? undefined : currentTls();
      const generation = material?.generation ?? 0;
      const key = tls === undefined ? endpoint.key : `${endpoint.key}|tls|${tls.key}|${generation}`;
      let entry = pools.get(key);
      if (entry === undefined) {
        if (tls !== undefined && material === undefined) throw noCertificateError(endpoint);
        const alpn = tls === undefined ? [] : HTTP1_ALPN;
        const pool = createH1Pool(
          {
            connect: (onRead) => openUpstreamSocket({ endpoint, tls, material, alpn, connectTimeoutMs, onRead }),
            authority: `${hostOf(endpoint.address)}:${endpoint.port}`,
            keepAliveTimeoutMs,
            headersTimeoutMs,
          },
          () => clock.now(),
        );
        entry = { pool, endpointKey: endpoint.key, generation };
        pools.set(key, entry);
        sweeping ??= clock.setTimeout(sweep, SWEEP_MS);
      }
      return entry.pool;
    },
    h2,
    tls: currentTls,
    http1Only,
    retain(keys) {
      for (const [key, entry] of pools) {
        if (keys.has(entry.endpointKey)) continue;
        pools.delete(key);
        close(entry);
      }
      h2.retain(keys);
      for (const key of http1Only) if (!keys.has(key.slice(0, key.indexOf("|")))) http1Only.delete(key);
    },
    retireTls(generation) {
      for (const [key, entry] of pools) {
        if (entry.generation === 0 || entry.generation >= generation) continue;
        pools.delete(key);
        close(entry);
      }
      h2.retireTls(generation);
    },
    size: () => pools.size + h2.size(),
    async close() {
      sweeping?.cancel();
      sweeping = undefined;
      const all = [...pools.values()];
      pools.clear();
      h2.close();
      for (const e of all) e.pool.destroy();
    },
  };
}
