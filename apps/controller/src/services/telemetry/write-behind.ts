// Persists the built-in store behind its back: every few seconds the dirty buckets (settled seconds,
// rolled-up minutes) and the retention floors go to the database in one transaction — never a write
// per report — and a restart reads them back. Writes are serialized; a failed one is retried.
import type { StoredBucket, TelemetryRepository } from "../../ports/telemetry-repository";
import { MINUTE_RETENTION_S, SECOND_RETENTION_S, type StoreLimits, type TelemetryStore } from "./store";
import { SETTLE_SECONDS } from "./views";

export function createWriteBehind(deps: {
  store: TelemetryStore;
  repository: TelemetryRepository;
  replica: string;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void };
}) {
  const { store, repository, replica, log } = deps;
  let chain: Promise<void> = Promise.resolve();
  let floors = "";
  let failing = false;

  async function write(nowSec: number, all: boolean): Promise<void> {
    const batch = store.takeDirty(nowSec - SETTLE_SECONDS, all);
    const f = `${batch.secondFloor}/${batch.minuteFloor}`;
    if (batch.seconds.length === 0 && batch.minutes.length === 0 && f === floors) return;
    try {
      await repository.write(replica, batch);
      floors = f;
      if (failing) log?.info({}, "telemetry store persisted again");
      failing = false;
    } catch (err) {
      store.markDirty("1s", batch.seconds.map((b) => b.bucket));
      store.markDirty("1m", batch.minutes.map((b) => b.bucket));
      if (!failing) log?.warn({ err }, "could not persist telemetry; keeping it in memory and retrying");
      failing = true;
    }
  }

  return {
    /** Whether the last write failed (it is retried at the next flush). */
    failing: () => failing,
    /** Queues a write of what is dirty (everything with `all`); resolves when it is done. */
    flush(nowSec: number, all = false): Promise<void> {
      chain = chain.then(() => write(nowSec, all));
      return chain;
    },

    /** Loads the persisted buckets into the (empty) store. */
    async restore(nowSec: number, limits: StoreLimits): Promise<void> {
      const newestMinute = await repository.newestMinute(replica);
      const minuteFloor = nowSec - MINUTE_RETENTION_S;
      // Seconds not rolled up into a persisted minute yet are needed for that rollup, however old.
      const secondsFrom = Math.max(minuteFloor, Math.min(nowSec - SECOND_RETENTION_S, newestMinute === null ? Infinity : newestMinute + 60));
      const seconds = await repository.load("1s", replica, secondsFrom, nowSec + 60, limits.maxSecondRecords);
      const minutes = await repository.load("1m", replica, minuteFloor, nowSec + 60, limits.maxMinuteRecords);
      const oldestSecond = seconds.reduce((m, b) => Math.min(m, b.bucket), Infinity);
      if (newestMinute !== null) store.setRolledUpTo(newestMinute + 60);
      else if (Number.isFinite(oldestSecond)) store.setRolledUpTo(oldestSecond);
      store.load("1m", minutes);
      store.load("1s", seconds);
      const records = (bs: StoredBucket[]) => bs.reduce((n, b) => n + b.records.length, 0);
      log?.info({ seconds: records(seconds), minutes: records(minutes) }, "telemetry store restored");
    },
  };
}
