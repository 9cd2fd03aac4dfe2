// What the telemetry store needs from storage: its buckets written behind, and read back after a
// restart. Implemented by storage/prisma/telemetry-repository.ts.

export type TelemetryTier = "1s" | "1m";

export interface SeriesKey {
  /** Which side's sidecar reported it. */
  direction: "inbound" | "outbound";
  /** "<service>.<namespace>", or "external" for callers outside the mesh. */
  source: string;
  /** "<service>.<namespace>". */
  target: string;
  targetVersion: string;
  route: string;
}

/** One time bucket's records: the stored numbers of each series (see services/telemetry/record.ts). */
export interface StoredBucket {
  /** Start of the bucket, Unix seconds. */
  bucket: number;
  records: Array<{ key: SeriesKey; values: Float64Array; reasons: Array<[reason: number, count: number]> }>;
}

export interface TelemetryWrite {
  seconds: StoredBucket[];
  minutes: StoredBucket[];
  /** Buckets older than these are gone from memory (retention or caps): delete them too. */
  secondFloor: number;
  minuteFloor: number;
}

export interface TelemetryRepository {
  /** Replaces the given buckets and deletes those below the floors, atomically. */
  write(replica: string, batch: TelemetryWrite): Promise<void>;
  /** Buckets of [fromBucket, toBucket), newest first, stopping after `maxRecords` records. */
  load(tier: TelemetryTier, replica: string, fromBucket: number, toBucket: number, maxRecords: number): Promise<StoredBucket[]>;
  /** Start of the newest persisted minute, or null. */
  newestMinute(replica: string): Promise<number | null>;
}
