// Prisma implementation of the telemetry repository: one row per replica and bucket in
// TelemetrySecond / TelemetryMinute, the bucket's series encoded by telemetry-codec.ts. Whole
// buckets keep writes to a few rows per flush and make a restart a matter of decoding, where a row
// per series costs ~50-400 µs each through Prisma's driver adapters (bench/telemetry-ingest.ts).
import type { Db } from "@weft/db";
import type { StoredBucket, TelemetryRepository, TelemetryTier } from "../../ports/telemetry-repository";
import { createBucketDecoder, encodeBucket } from "./telemetry-codec";

/** Rows read per query while restoring (each holds a whole bucket). */
const ROWS_PER_READ = 60;

export function createPrismaTelemetryRepository(db: Db): TelemetryRepository {
  const table = (tier: TelemetryTier) => (tier === "1s" ? db.telemetrySecond : db.telemetryMinute) as typeof db.telemetrySecond;
  return {
    async write(replica, batch) {
      const ops = [];
      for (const [tier, buckets, floor] of [["1s", batch.seconds, batch.secondFloor], ["1m", batch.minutes, batch.minuteFloor]] as const) {
        const t = table(tier);
        if (buckets.length > 0) {
          ops.push(t.deleteMany({ where: { replica, bucket: { in: buckets.map((b) => BigInt(b.bucket)) } } }));
          ops.push(t.createMany({ data: buckets.map((b) => ({ replica, bucket: BigInt(b.bucket), series: b.records.length, data: new Uint8Array(encodeBucket(b)) })) }));
        }
        ops.push(t.deleteMany({ where: { replica, bucket: { lt: BigInt(Math.floor(floor)) } } }));
      }
      await db.$transaction(ops);
    },

    async load(tier, replica, fromBucket, toBucket, maxRecords) {
      const t = table(tier);
      // Newest first, whole buckets, until the cap: a row's series count says how many without decoding it.
      const index = await t.findMany({
        where: { replica, bucket: { gte: BigInt(fromBucket), lt: BigInt(toBucket) } },
        select: { bucket: true, series: true },
        orderBy: { bucket: "desc" },
      });
      let records = 0;
      let oldest: bigint | undefined;
      for (const row of index) {
        if (records + row.series > maxRecords) break;
        records += row.series;
        oldest = row.bucket;
      }
      const out: StoredBucket[] = [];
      if (oldest === undefined) return out;
      const decode = createBucketDecoder();
      let before = BigInt(toBucket);
      for (;;) {
        const rows = await t.findMany({ where: { replica, bucket: { gte: oldest, lt: before } }, orderBy: { bucket: "desc" }, take: ROWS_PER_READ });
        for (const row of rows) out.push(decode(Number(row.bucket), row.data));
        if (rows.length < ROWS_PER_READ) return out;
        before = rows[rows.length - 1]!.bucket;
      }
    },

    async newestMinute(replica) {
      const r = await db.telemetryMinute.aggregate({ where: { replica }, _max: { bucket: true } });
      return r._max.bucket === null ? null : Number(r._max.bucket);
    },
  };
}
