// Reading the graph feed: the live subscription's events (tRPC delivers `tracked()` events as
// `{ id, data }`), and whether the feed has gone quiet long enough to call it stale. Pure.
import type { ServiceGraph } from "@weft/contracts";

/** The graph carried by a subscription event, tracked or not; null for anything else. */
export function graphOfEvent(event: unknown): ServiceGraph | null {
  if (!event || typeof event !== "object") return null;
  const e = event as { id?: unknown; data?: unknown; nodes?: unknown };
  if (Array.isArray(e.nodes)) return event as ServiceGraph;
  if (typeof e.id === "string" && e.data && typeof e.data === "object" && Array.isArray((e.data as { nodes?: unknown }).nodes)) return e.data as ServiceGraph;
  return null;
}

export type FeedState = "connecting" | "live" | "stale" | "history";

/** Live feeds push every second: no update for `staleAfterMs` means the operator is looking at the past. */
export function feedState(opts: { live: boolean; lastUpdateMs: number | null; now: number; failed: boolean; staleAfterMs?: number }): FeedState {
  if (!opts.live) return "history";
  if (opts.lastUpdateMs === null) return opts.failed ? "stale" : "connecting";
  return opts.failed || opts.now - opts.lastUpdateMs > (opts.staleAfterMs ?? 5_000) ? "stale" : "live";
}
