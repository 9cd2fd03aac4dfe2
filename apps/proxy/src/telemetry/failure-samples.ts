// The newest failed requests of each report window (at most MAX_FAILURE_SAMPLES), for the console's
// "recent failures". A ring of preallocated slots: a failure storm overwrites in place instead of
// allocating. Windows that never reached the controller merge back, still keeping only the newest.
import { MAX_FAILURE_SAMPLES, type FailureReason, type FailureSample } from "@weft/contracts";
import type { RequestRecord } from "../core/events";

/** Field limits of FailureSampleSchema. */
const MAX_PATH = 256;
const MAX_METHOD = 16;
const MAX_UPSTREAM = 128;

class Slot {
  timeUnixMs = 0;
  traceId = "";
  direction: FailureSample["direction"] = "outbound";
  sourceService = "";
  destinationService = "";
  destinationNamespace = "";
  destinationVersion = "";
  route = "";
  method = "";
  path = "";
  status = 0;
  grpcStatus = "";
  reason: FailureReason = "internal";
  durationMs = 0;
  upstream = "";
}

export interface FailureSamples {
  /** A failed request; `startedAtMs` is its arrival time on the sidecar's clock. */
  record(r: RequestRecord, reason: FailureReason, grpcStatus: string, startedAtMs: number): void;
  /** This window's samples, newest first, then starts a new window. */
  take(): FailureSample[];
  /** Samples of a window that never reached the controller (older than anything recorded since). */
  restore(samples: readonly FailureSample[]): void;
}

export function createFailureSamples(max = MAX_FAILURE_SAMPLES): FailureSamples {
  const slots = Array.from({ length: max }, () => new Slot());
  let next = 0;
  let filled = 0;
  let carried: FailureSample[] = [];

  return {
    record(r, reason, grpcStatus, startedAtMs) {
      const s = slots[next]!;
      next = (next + 1) % max;
      if (filled < max) filled++;
      s.timeUnixMs = Math.round(startedAtMs);
      // A trace id only when the trace exists somewhere (sampled), so the console can open it.
      s.traceId = r.span !== undefined ? r.traceId : "";
      s.direction = r.direction;
      s.sourceService = r.source.service;
      s.destinationService = r.destination.service;
      s.destinationNamespace = r.destination.namespace;
      s.destinationVersion = r.destination.version;
      s.route = r.route?.name ?? "";
      s.method = r.method.length > MAX_METHOD ? r.method.slice(0, MAX_METHOD) : r.method;
      const path = r.pathOnly;
      s.path = path.length > MAX_PATH ? path.slice(0, MAX_PATH) : path;
      s.status = r.status;
      s.grpcStatus = grpcStatus;
      s.reason = reason;
      s.durationMs = r.durationMs;
      const upstream = r.endpoint?.key ?? "";
      s.upstream = upstream.length > MAX_UPSTREAM ? upstream.slice(0, MAX_UPSTREAM) : upstream;
    },
    take() {
      const out: FailureSample[] = [];
      for (let i = 1; i <= filled; i++) out.push({ ...slots[(next - i + max) % max]! });
      for (const c of carried) {
        if (out.length >= max) break;
        out.push(c);
      }
      filled = 0;
      carried = [];
      return out;
    },
    restore(samples) {
      carried = samples.concat(carried).slice(0, max);
    },
  };
}
