// Keeps the current data-plane snapshot: rebuilt right after a local commit (change feed) and when
// another replica changed the database (fingerprint poll). Rebuilds are coalesced: a burst of
// commits costs one or two rebuilds, never a queue.
import { buildSnapshot, type MeshSnapshot } from "../domain/snapshot";
import type { Clock } from "../ports/clock";
import type { MeshRepository } from "../ports/mesh-repository";
import type { ChangeFeed } from "./change-feed";

export interface DistributorLog {
  info(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export type ConfigDistributor = ReturnType<typeof createConfigDistributor>;

export function createConfigDistributor(deps: { repo: MeshRepository; feed: ChangeFeed; clock: Clock; log: DistributorLog; pollMs?: number }) {
  const { repo, feed, clock, log } = deps;
  const pollMs = deps.pollMs ?? 1000;
  const listeners = new Set<(s: MeshSnapshot) => void>();
  let current: MeshSnapshot | undefined;
  let fingerprint = "";
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;
  let pollTimer: { cancel(): void } | undefined;
  let polling: Promise<void> | undefined;
  let unsubscribe: (() => void) | undefined;
  /** When the change the next rebuild will carry was noticed (commit, or a poll seeing another replica's). */
  let changedSince: number | undefined;
  const changedAt = new WeakMap<MeshSnapshot, number>();

  async function rebuildOnce(reason: string) {
    const started = clock.now();
    const since = changedSince;
    changedSince = undefined;
    const fp = await repo.fingerprint();
    const state = await repo.loadState();
    fingerprint = fp;
    current = buildSnapshot(state);
    if (since !== undefined) changedAt.set(current, since);
    log.info({ revision: current.revision, services: current.services.length, reason, ms: clock.now() - started }, "mesh snapshot rebuilt");
    for (const l of listeners) l(current);
  }

  function rebuild(reason: string): Promise<void> {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await rebuildOnce(reason);
        } while (again && !stopped);
      } catch (err) {
        log.error({ err, reason }, "mesh snapshot rebuild failed; keeping the previous one");
      } finally {
        running = undefined;
      }
    })();
    return running;
  }

  function schedulePoll() {
    if (stopped) return;
    pollTimer = clock.setTimeout(() => {
      polling = (async () => {
        try {
          if ((await repo.fingerprint()) !== fingerprint && !stopped) {
            changedSince ??= clock.now();
            await rebuild("database changed");
          }
        } catch (err) {
          log.error({ err }, "mesh change poll failed");
        } finally {
          polling = undefined;
        }
        schedulePoll();
      })();
    }, pollMs);
  }

  return {
    async start() {
      await rebuild("start");
      if (!current) throw new Error("could not load the mesh from the database");
      unsubscribe = feed.subscribe((reason) => {
        changedSince ??= clock.now();
        void rebuild(reason);
      });
      schedulePoll();
    },
    stop() {
      stopped = true;
      pollTimer?.cancel();
      unsubscribe?.();
    },
    current(): MeshSnapshot {
      if (!current) throw new Error("config distributor not started");
      return current;
    },
    /** When the change a snapshot carries was committed (noticed, for other replicas' commits); undefined for the first. */
    changedAt: (snapshot: MeshSnapshot): number | undefined => changedAt.get(snapshot),
    subscribe(listener: (s: MeshSnapshot) => void): () => void {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    /** Resolves once any in-flight poll or rebuild is done (tests, shutdown). */
    settled: async () => {
      while (polling || running) await (polling ?? running);
    },
  };
}
