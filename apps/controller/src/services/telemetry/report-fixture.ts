// Telemetry reports and a small mesh for tests (never imported by the app): storefront -> reviews
// (v1, v2) -> ratings, all in namespace "default".
import { LATENCY_BUCKETS_MS, type EdgeSample, type TelemetryReport } from "@weft/contracts";
import { buildSnapshot, type MeshSnapshot } from "../../domain/snapshot";

export function meshSnapshot(): MeshSnapshot {
  const versions: Record<string, string[]> = { storefront: ["v1"], reviews: ["v1", "v2"], ratings: ["v1"] };
  return buildSnapshot({
    revision: 1,
    services: Object.entries(versions).map(([name, vs]) => ({
      id: name,
      name,
      namespace: "default",
      protocol: "http" as const,
      port: 80,
      description: "",
      policy: {},
      createdAt: new Date(0),
      updatedAt: new Date(0),
      versions: vs.map((v) => ({ id: `${name}-${v}`, name: v, labels: {} })),
      endpoints: [],
      routes: [],
    })),
  });
}

/** Latency counts: `at` maps a LATENCY_BUCKETS_MS bound to the requests that took up to it. */
export function latency(at: Record<number, number>): number[] {
  const b = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const [ms, n] of Object.entries(at)) {
    const i = LATENCY_BUCKETS_MS.indexOf(Number(ms) as (typeof LATENCY_BUCKETS_MS)[number]);
    b[i < 0 ? LATENCY_BUCKETS_MS.length : i] = n;
  }
  return b;
}

/** storefront -> reviews v1 on route "default", all 2xx in the 10 ms bucket, unless overridden. */
export function edge(over: Partial<EdgeSample> = {}): EdgeSample {
  const requests = over.requests ?? 1;
  return {
    direction: "outbound",
    sourceService: "storefront",
    sourceNamespace: "default",
    sourceVersion: "v1",
    destinationService: "reviews",
    destinationNamespace: "default",
    destinationVersion: "v1",
    route: "default",
    statusClass: "2xx",
    requests,
    failures: 0,
    durationSumMs: 10 * requests,
    durationBuckets: latency({ 10: requests }),
    requestBytes: 100 * requests,
    responseBytes: 1000 * requests,
    reason: "",
    grpcStatus: "",
    ...over,
  };
}

/** A one-second report of storefront's sidecar ending now. */
export function report(nowMs: number, over: Partial<TelemetryReport> = {}): TelemetryReport {
  return {
    nodeId: "storefront-1",
    service: "storefront",
    namespace: "default",
    version: "v1",
    windowStartMs: nowMs - 1000,
    windowMs: 1000,
    edges: [],
    tcp: [],
    failures: [],
    droppedSeries: 0,
    ...over,
  };
}
