// How a bucket of telemetry is stored (TelemetrySecond.data, TelemetryMinute.data): deflated JSON of
// its series keys, their numbers (services/telemetry/record.ts layout, flattened) and failures by
// reason. Keys repeat bucket after bucket, so deflate keeps a row small, and a decoder reuses key
// objects across the buckets it reads.
import { deflateRawSync, inflateRawSync } from "node:zlib";
import type { SeriesKey, StoredBucket } from "../../ports/telemetry-repository";

interface Encoded {
  /** Numbers per record. */
  f: number;
  /** Keys: direction, source, target, version, route joined by \u0001. */
  k: string[];
  /** f numbers per key, in key order. */
  v: number[];
  /** Triples: key index, reason index, failed requests. */
  r: number[];
}

export function encodeBucket(b: StoredBucket): Buffer {
  const f = b.records[0]?.values.length ?? 0;
  const e: Encoded = { f, k: new Array(b.records.length), v: new Array(b.records.length * f), r: [] };
  b.records.forEach((rec, i) => {
    const k = rec.key;
    e.k[i] = `${k.direction}\u0001${k.source}\u0001${k.target}\u0001${k.targetVersion}\u0001${k.route}`;
    for (let j = 0; j < f; j++) e.v[i * f + j] = rec.values[j] ?? 0;
    for (const [reason, n] of rec.reasons) e.r.push(i, reason, n);
  });
  return deflateRawSync(JSON.stringify(e), { level: 1 });
}

/** Decodes buckets; one decoder per load shares key objects between them. */
export function createBucketDecoder() {
  const keys = new Map<string, SeriesKey>();
  const keyOf = (ks: string): SeriesKey => {
    let key = keys.get(ks);
    if (!key) {
      const [direction, source = "", target = "", targetVersion = "", route = ""] = ks.split("\u0001");
      key = { direction: direction === "inbound" ? "inbound" : "outbound", source, target, targetVersion, route };
      keys.set(ks, key);
    }
    return key;
  };
  return (bucket: number, data: Uint8Array): StoredBucket => {
    const e = JSON.parse(inflateRawSync(data).toString("utf8")) as Encoded;
    const all = Float64Array.from(e.v);
    const records: StoredBucket["records"] = e.k.map((ks, i) => ({ key: keyOf(ks), values: all.subarray(i * e.f, (i + 1) * e.f), reasons: [] }));
    for (let i = 0; i + 2 < e.r.length; i += 3) records[e.r[i]!]?.reasons.push([e.r[i + 1]!, e.r[i + 2]!]);
    return { bucket, records };
  };
}
