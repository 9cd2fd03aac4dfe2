// Upstream connections, shared by every cluster containing an endpoint: HTTP/1.1 keep-alive pools
// (undici, one per endpoint and transport) and HTTP/2 sessions (node:http2, see h2-sessions.ts).
// TLS connections carry the certificate generation in their key, so a rotated certificate is used
// by new connections while old ones finish gracefully. Pools and sessions of endpoints that left
// the config are closed gracefully after each config swap.
import { Pool, type buildConnector } from "undici";
import type { Endpoint } from "../core/runtime-config";
import type { UpstreamTls } from "../core/transport-config";
import type { TlsMaterial } from "../tls/material";
import { hostOf, noCertificateError, openUpstreamSocket } from "./connect";
import { createH2Sessions, type H2Sessions } from "./h2-sessions";

export interface UpstreamPoolsOptions {
  /** Idle keep-alive time of an upstream connection, ms (undici honours shorter server hints). */
  keepAliveTimeoutMs?: number;
  /** Time to receive response headers, ms; 0 disables (a timeout layer will own this). */
  headersTimeoutMs?: number;
  /** Max idle time between body chunks, ms; 0 disables (streams such as SSE may idle). */
  bodyTimeoutMs?: number;
  /** The sidecar's current TLS material (undefined until it has a certificate, or without identity). */
  tls?: () => TlsMaterial | undefined;
}

export interface UpstreamPools {
  /** HTTP/1.1 pool to `endpoint`, plaintext or TLS (ALPN http/1.1). */
  http1(endpoint: Endpoint, tls: UpstreamTls | undefined, connectTimeoutMs: number): Pool;
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
  pool: Pool;
  endpointKey: string;
  /** TLS material generation (0 = plaintext). */
  generation: number;
}

const HTTP1_ALPN = ["http/1.1"] as const;

export function createUpstreamPools(options: UpstreamPoolsOptions = {}): UpstreamPools {
  const pools = new Map<string, PoolEntry>();
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 4_000;
  const headersTimeout = options.headersTimeoutMs ?? 300_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 0;
  const currentTls = options.tls ?? (() => undefined);
  const h2 = createH2Sessions();
  const http1Only = new Set<string>();

  function tlsConnector(endpoint: Endpoint, tls: UpstreamTls, material: TlsMaterial, connectTimeoutMs: number): buildConnector.connector {
    return (_opts, callback) => {
      let done = false;
      const finish = (err: Error | null, socket?: ReturnType<typeof openUpstreamSocket>) => {
        if (done) return;
        done = true;
        if (err) callback(err, null);
        else callback(null, socket!);
      };
      try {
        const socket = openUpstreamSocket({ endpoint, tls, material, alpn: HTTP1_ALPN, connectTimeoutMs });
        socket.once("secureConnect", () => finish(null, socket));
        socket.once("error", (err) => finish(err));
      } catch (err) {
        finish(err as Error);
      }
    };
  }

  const close = (entry: PoolEntry) => void entry.pool.close().catch(() => undefined);

  return {
    http1(endpoint, tls, connectTimeoutMs) {
      const material = tls === undefined ? undefined : currentTls();
      const generation = material?.generation ?? 0;
      const key = tls === undefined ? endpoint.key : `${endpoint.key}|tls|${tls.key}|${generation}`;
      let entry = pools.get(key);
      if (entry === undefined) {
        const common = { keepAliveTimeout, headersTimeout, bodyTimeout, pipelining: 1 };
        let pool: Pool;
        if (tls === undefined) {
          pool = new Pool(`http://${hostOf(endpoint.address)}:${endpoint.port}`, { ...common, connect: { timeout: connectTimeoutMs } });
        } else if (material === undefined) {
          throw noCertificateError(endpoint);
        } else {
          pool = new Pool(`https://${hostOf(endpoint.address)}:${endpoint.port}`, { ...common, connect: tlsConnector(endpoint, tls, material, connectTimeoutMs) });
        }
        entry = { pool, endpointKey: endpoint.key, generation };
        pools.set(key, entry);
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
      const all = [...pools.values()];
      pools.clear();
      h2.close();
      await Promise.all(all.map((e) => e.pool.destroy().catch(() => undefined)));
    },
  };
}
