// A bounded load generator for the demo: a steady request rate against the storefront, stopped
// after `maxRequests` or `durationMs`, whichever comes first. Reports what it saw every interval.
import { Pool } from "undici";

export interface LoadStats {
  sent: number;
  byStatus: Record<string, number>;
  byReviewsVersion: Record<string, number>;
  errors: number;
}

export interface LoadOptions {
  url: string;
  requestsPerSecond: number;
  durationMs: number;
  maxRequests: number;
  reportEveryMs?: number;
  onReport?: (stats: LoadStats) => void;
}

const PATHS = ["/api/products/b1", "/api/products/b2", "/api/products/b3", "/api/products/b4", "/"];
/** Every this many requests, one asks for gift cards — a route the demo keeps switched off (503, fault_injected). */
const GIFT_CARDS_EVERY = 40;

export function startLoad(opts: LoadOptions): { stop(): Promise<LoadStats>; stats: LoadStats } {
  const pool = new Pool(opts.url, { connections: 4, keepAliveTimeout: 10_000 });
  const stats: LoadStats = { sent: 0, byStatus: {}, byReviewsVersion: {}, errors: 0 };
  const started = Date.now();
  const intervalMs = 1000 / opts.requestsPerSecond;
  let inFlight = 0;
  let stopped = false;

  async function one(path: string) {
    inFlight++;
    try {
      const res = await pool.request({ method: "GET", path, headersTimeout: 5000, bodyTimeout: 5000 });
      stats.byStatus[res.statusCode] = (stats.byStatus[res.statusCode] ?? 0) + 1;
      if (path.startsWith("/api/") && res.statusCode === 200) {
        const body = (await res.body.json()) as { reviews?: { version?: string } };
        const v = body.reviews?.version ?? "none";
        stats.byReviewsVersion[v] = (stats.byReviewsVersion[v] ?? 0) + 1;
      } else {
        await res.body.dump();
      }
    } catch {
      stats.errors++;
    } finally {
      inFlight--;
    }
  }

  const tick = setInterval(() => {
    if (stopped) return;
    if (stats.sent >= opts.maxRequests || Date.now() - started >= opts.durationMs) {
      clearInterval(tick);
      return;
    }
    // Never pile up: if the shop is slow, skip rather than queue unbounded work.
    if (inFlight >= 16) return;
    stats.sent++;
    void one(stats.sent % GIFT_CARDS_EVERY === 0 ? "/api/gift-cards" : PATHS[stats.sent % PATHS.length]!);
  }, intervalMs);
  const report = opts.onReport ? setInterval(() => opts.onReport!(stats), opts.reportEveryMs ?? 10_000) : undefined;

  return {
    stats,
    async stop() {
      stopped = true;
      clearInterval(tick);
      if (report) clearInterval(report);
      await pool.close();
      return stats;
    },
  };
}
