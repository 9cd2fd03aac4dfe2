// The unit of request telemetry: one series (direction, source -> target@version, route) over one
// time bucket, as a fixed layout of numbers — stored compactly, summed cheaply, the same for every backend.
import { FAILURE_REASONS, LATENCY_BUCKETS_MS, type FailureReason } from "@weft/contracts";
import type { SeriesKey } from "../../ports/telemetry-repository";

export const REQUESTS = 0;
/** Requests that failed (5xx or a local error such as no healthy endpoint). */
export const FAILURES = 1;
export const DURATION_SUM_MS = 2;
export const REQUEST_BYTES = 3;
export const RESPONSE_BYTES = 4;
/** First of the latency histogram counts: one per LATENCY_BUCKETS_MS bound, then +Inf (not cumulative). */
export const LATENCY = 5;
export const LATENCY_SLOTS = LATENCY_BUCKETS_MS.length + 1;
/** Numbers kept per stored record. Failures by reason are stored sparsely beside them. */
export const STORED_FIELDS = LATENCY + LATENCY_SLOTS;
/** Query-side aggregates append one count per FAILURE_REASONS entry. */
export const REASONS = STORED_FIELDS;
export const AGG_FIELDS = STORED_FIELDS + FAILURE_REASONS.length;

export const EXTERNAL = "external";
/** Route label of TCP traffic: a "request" of a TCP series is a connection, its bytes are the bytes carried. */
export const TCP_ROUTE = "tcp";

export type { SeriesKey } from "../../ports/telemetry-repository";

export const reasonIndex = new Map<string, number>(FAILURE_REASONS.map((r, i) => [r, i]));
export const reasonAt = (i: number): FailureReason => FAILURE_REASONS[i]!;

/** A workload identity as the graph names it; empty or "external" callers are outside the mesh. */
export function sourceId(service: string, namespace: string): string {
  return service && service !== EXTERNAL ? `${service}.${namespace}` : EXTERNAL;
}

export function keyString(k: SeriesKey): string {
  return `${k.direction}\u0001${k.source}\u0001${k.target}\u0001${k.targetVersion}\u0001${k.route}`;
}

/**
 * Whether a series counts towards "requests to the target". Meshed calls are reported by both
 * sidecars: they count once, from the caller's (outbound) side, which also sees requests that never
 * reached the target (no healthy endpoint, circuit open); callers outside the mesh only appear inbound.
 */
export function isCounted(k: SeriesKey): boolean {
  return k.direction === "outbound" || k.source === EXTERNAL;
}

export const newAggregate = () => new Float64Array(AGG_FIELDS);

/** into += from, over the first `fields` numbers. */
export function addInto(into: Float64Array, intoOffset: number, from: ArrayLike<number>, fromOffset: number, fields: number): void {
  for (let i = 0; i < fields; i++) into[intoOffset + i]! += from[fromOffset + i]!;
}
