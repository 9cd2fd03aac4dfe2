// Keep-alive connection pools to upstream endpoints, one undici Pool per `address:port`, shared by
// every cluster that contains the endpoint. Pools of endpoints that left the config are closed
// gracefully (in-flight requests finish) after each config swap.
import { Pool } from "undici";
import type { Endpoint } from "../core/runtime-config";

export interface UpstreamPoolsOptions {
  /** Idle keep-alive time of an upstream connection, ms (undici honours shorter server hints). */
  keepAliveTimeoutMs?: number;
  /** Time to receive response headers, ms; 0 disables (a timeout layer will own this). */
  headersTimeoutMs?: number;
  /** Max idle time between body chunks, ms; 0 disables (streams such as SSE may idle). */
  bodyTimeoutMs?: number;
}

export interface UpstreamPools {
  get(endpoint: Endpoint, connectTimeoutMs: number): Pool;
  /** Closes pools whose key is not in `keys` (gracefully: queued requests complete). */
  retain(keys: ReadonlySet<string>): void;
  size(): number;
  /** Destroys every pool (in-flight requests fail); for shutdown. */
  close(): Promise<void>;
}

export function createUpstreamPools(options: UpstreamPoolsOptions = {}): UpstreamPools {
  const pools = new Map<string, Pool>();
  const keepAliveTimeout = options.keepAliveTimeoutMs ?? 4_000;
  const headersTimeout = options.headersTimeoutMs ?? 300_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 0;
  const host = (address: string) => (address.includes(":") && !address.startsWith("[") ? `[${address}]` : address);
  return {
    get(endpoint, connectTimeoutMs) {
      let pool = pools.get(endpoint.key);
      if (pool === undefined) {
        pool = new Pool(`http://${host(endpoint.address)}:${endpoint.port}`, {
          connect: { timeout: connectTimeoutMs },
          keepAliveTimeout,
          headersTimeout,
          bodyTimeout,
          pipelining: 1,
        });
        pools.set(endpoint.key, pool);
      }
      return pool;
    },
    retain(keys) {
      for (const [key, pool] of pools) {
        if (keys.has(key)) continue;
        pools.delete(key);
        pool.close().catch(() => undefined);
      }
    },
    size: () => pools.size,
    async close() {
      const all = [...pools.values()];
      pools.clear();
      await Promise.all(all.map((p) => p.destroy().catch(() => undefined)));
    },
  };
}
