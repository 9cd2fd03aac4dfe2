// Access log: one JSON line per request (WEFT_ACCESS_LOG=stdout|<file>), successes sampled at
// WEFT_ACCESS_LOG_SAMPLING, failures always. Written through pino's asynchronous destination
// (sonic-boom): the request path only appends to its buffer; when the disk or pipe falls behind by
// more than MAX_BUFFER_BYTES, lines are dropped and counted instead of growing memory. Lines hold
// no headers (so no authorization or cookies), and paths lose their query string.
import { open } from "node:fs";
import { mkdir } from "node:fs/promises";
import { dirname } from "node:path";
import { promisify } from "node:util";
import { pino } from "pino";
import type { FailureReason } from "@weft/contracts";
import type { RequestRecord } from "../core/events";
import { qualifiedName } from "../tracing/tracing";

/** Unwritten lines kept at most (bytes); beyond, lines are dropped. */
export const MAX_BUFFER_BYTES = 1024 * 1024;
const MAX_PATH = 256;

export interface AccessLogOptions {
  /** "stdout" or a file path (appended to; its directory is created). */
  target: string;
  /** Share of successful requests logged, 0..1 (failures are always logged). */
  sampling: number;
  random: () => number;
  /** Wall-clock ms (the sidecar's clock). */
  now: () => number;
  /** Buffer bound, bytes (tests use a small one). */
  maxBufferBytes?: number;
}

export interface AccessLogCounters {
  written: number;
  /** Successes not logged by sampling. */
  sampledOut: number;
  /** Lines dropped because the writer was too far behind. */
  dropped: number;
}

export interface AccessLog {
  write(r: RequestRecord, reason: FailureReason | "", grpcStatus: string): void;
  readonly counters: Readonly<AccessLogCounters>;
  /** Resolves when every buffered line is written. */
  flush(): Promise<void>;
  close(): Promise<void>;
}

/** One access log line (what the JSON carries). */
export interface AccessLogLine {
  time: string;
  traceId: string;
  /** Whether the trace was sampled (its spans exported). */
  traced: boolean;
  direction: "inbound" | "outbound";
  source: string;
  sourceVersion: string;
  destination: string;
  destinationVersion: string;
  route: string;
  method: string;
  path: string;
  status: number;
  grpcStatus: string;
  durationMs: number;
  bytesIn: number;
  bytesOut: number;
  upstream: string;
  attempts: number;
  /** Why it failed (FAILURE_REASONS), null when it did not. */
  reason: FailureReason | null;
  /** The last policy decision taken on the request (e.g. `retried`, `fault_delayed`), null when none. */
  decision: string | null;
}

export function accessLogLine(r: RequestRecord, reason: FailureReason | "", grpcStatus: string, nowMs: number): AccessLogLine {
  const path = r.pathOnly;
  return {
    time: new Date(nowMs - r.durationMs).toISOString(),
    traceId: r.traceId,
    traced: r.span !== undefined,
    direction: r.direction,
    source: qualifiedName(r.source),
    sourceVersion: r.source.version,
    destination: qualifiedName(r.destination),
    destinationVersion: r.destination.version,
    route: r.route?.name ?? "",
    method: r.method,
    path: path.length > MAX_PATH ? path.slice(0, MAX_PATH) : path,
    status: r.status,
    grpcStatus,
    durationMs: Math.round(r.durationMs * 1000) / 1000,
    bytesIn: r.requestBytes,
    bytesOut: r.responseBytes,
    upstream: r.endpoint?.key ?? "",
    attempts: r.attempts,
    reason: reason === "" ? null : reason,
    decision: r.reason ?? null,
  };
}

/** Opens the log (a file is created with its directory; an error names the file). */
export async function createAccessLog(options: AccessLogOptions): Promise<AccessLog> {
  const { random, now } = options;
  const sampling = Math.min(1, Math.max(0, options.sampling));
  const toStdout = options.target === "stdout";
  const counters: AccessLogCounters = { written: 0, sampledOut: 0, dropped: 0 };
  let fd = 1;
  if (!toStdout) {
    try {
      await mkdir(dirname(options.target), { recursive: true });
      // A plain descriptor (not a FileHandle, which would close itself when collected): sonic-boom owns it.
      fd = await promisify(open)(options.target, "a", 0o640);
    } catch (err) {
      throw new Error(`WEFT_ACCESS_LOG: cannot open ${options.target} for appending: ${(err as Error).message}`);
    }
  }
  const dest = pino.destination({
    dest: fd,
    sync: false,
    // 1, not 0: with 0, sonic-boom's flush() does not wait for pending writes.
    minLength: 1,
    // Buffers, not strings: appending a string line re-measures the whole pending chunk (O(chunk)
    // per line); buffer mode is O(1) per line (~2 µs CPU per line written vs ~4-5, bench/telemetry.bench.ts).
    contentMode: "buffer",
    maxLength: options.maxBufferBytes ?? MAX_BUFFER_BYTES,
  });
  let failed: Error | undefined;
  dest.on("drop", () => {
    counters.written--;
    counters.dropped++;
  });
  // A write error later (disk full, closed pipe) stops the log, never the sidecar.
  dest.on("error", (err: Error) => {
    failed ??= err;
  });

  const flush = () =>
    new Promise<void>((resolve) => {
      if (failed !== undefined) return resolve();
      dest.flush(() => resolve());
    });

  return {
    counters,
    write(r, reason, grpcStatus) {
      if (failed !== undefined) {
        counters.dropped++;
        return;
      }
      if (reason === "" && sampling < 1 && !(sampling > 0 && random() < sampling)) {
        counters.sampledOut++;
        return;
      }
      counters.written++;
      // A Buffer (contentMode "buffer"); sonic-boom's types only list strings.
      dest.write(Buffer.from(JSON.stringify(accessLogLine(r, reason, grpcStatus, now())) + "\n") as unknown as string);
    },
    flush,
    async close() {
      await flush();
      // stdout stays open for the rest of the process.
      if (!toStdout && failed === undefined) {
        await new Promise<void>((resolve) => {
          dest.once("close", () => resolve());
          dest.end();
        });
      }
    },
  };
}
