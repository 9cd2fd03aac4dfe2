// Telemetry report stream to the controller (weft.telemetry.v1.TelemetryService/Report, same gRPC
// address as xDS): every interval one TelemetryReport with the window's deltas — request edges,
// TCP connections, the newest failures, series refused by the caps — also when empty, as a
// heartbeat. Sent reports stay in a small FIFO until the controller's ReportAck; if the stream
// dies first, their windows are merged back and go out with the next report, so nothing is lost
// while the controller is away (a lost ack may double count a window). While away or
// unacknowledged, deltas aggregate into one window: series are capped, failures keep the newest
// MAX_FAILURE_SAMPLES and the FIFO is bounded, so memory stays bounded. Nothing here touches the
// request path.
import { edgeToWire, failureToWire, tcpToWire, type Protos } from "@weft/contracts/proto";
import type { Logger } from "pino";
import type { Backoff } from "../core/backoff";
import type { Clock } from "../core/clock";
import type { ProxyEvents } from "../core/events";
import type { WorkloadIdentity } from "../core/runtime-config";
import { methodOf, startCall, describeStatus, type GrpcCall } from "../grpc/call";
import type { ReportWindow, WindowSource } from "./report-window";

export interface ReportStreamOptions {
  address: string;
  protos: Protos;
  clock: Clock;
  backoff: Backoff;
  events: ProxyEvents;
  logger: Logger;
  window: WindowSource;
  intervalMs: number;
  nodeId: string;
  identity: WorkloadIdentity;
}

export interface ReportStream {
  start(): void;
  /** Reports acknowledged by the controller since start. */
  readonly acked: number;
  close(): void;
}

/** Intervals without an ack after which the stream is presumed dead and reopened. */
const ACK_DEADLINE_INTERVALS = 10;
/** Reports sent but not yet acknowledged; beyond this, windows aggregate instead. */
const MAX_UNACKED = 4;

export function createReportStream(options: ReportStreamOptions): ReportStream {
  const { protos, clock, backoff, events, logger, window, intervalMs, address } = options;
  const method = methodOf<Record<string, unknown>, unknown>(protos.services.telemetry.Report!);
  let call: GrpcCall<Record<string, unknown>> | undefined;
  let connected = false;
  let stopped = false;
  let tickTimer: { cancel(): void } | undefined;
  let retryTimer: { cancel(): void } | undefined;
  let windowStartMs = clock.now();
  const unacked: Array<{ windowStartMs: number; sentAt: number; window: ReportWindow }> = [];
  let acked = 0;

  /** Unacknowledged reports will never be acked: their deltas rejoin the current window. */
  function restoreUnacked(): void {
    if (unacked.length === 0) return;
    windowStartMs = unacked[0]!.windowStartMs;
    for (const report of unacked.splice(0)) window.restore(report.window);
  }

  function connect(): void {
    retryTimer = undefined;
    if (stopped) return;
    const stream: GrpcCall<Record<string, unknown>> = startCall(address, method, {
      onHeaders() {
        if (connected || call !== stream) return;
        connected = true;
        events.emit("reportConnection", true);
      },
      onMessage() {
        backoff.reset();
        // Acks arrive in order on one stream.
        const settled = unacked.shift();
        if (settled === undefined) return;
        acked++;
        events.emit("reportAck", { windowStartMs: settled.windowStartMs });
      },
      onStatus(status) {
        if (call !== stream) return;
        disconnect();
        if (stopped) return;
        const delay = backoff.next();
        logger.debug({ controller: address, reason: describeStatus(status), retryInMs: delay }, "telemetry stream down; aggregating until it is back");
        retryTimer = clock.setTimeout(connect, delay);
      },
    }, { clock });
    call = stream;
  }

  function disconnect(): void {
    const stream = call;
    call = undefined;
    restoreUnacked();
    if (connected) events.emit("reportConnection", false);
    connected = false;
    stream?.cancel();
  }

  function report(): void {
    if (call === undefined) return; // controller away: keep aggregating into this window
    const now = clock.now();
    const oldest = unacked[0];
    if (oldest !== undefined && now - oldest.sentAt >= ACK_DEADLINE_INTERVALS * intervalMs) {
      logger.warn({ controller: address }, "telemetry reports are not acknowledged; reopening the stream");
      disconnect();
      retryTimer = clock.setTimeout(connect, backoff.next());
      return;
    }
    if (unacked.length >= MAX_UNACKED) return; // controller slow to ack: aggregate
    const taken = window.take();
    unacked.push({ windowStartMs, sentAt: now, window: taken });
    call.write({
      node_id: options.nodeId,
      service: options.identity.service,
      namespace: options.identity.namespace,
      version: options.identity.version,
      window_start_ms: windowStartMs,
      window_ms: Math.max(1, now - windowStartMs),
      edges: taken.edges.map(edgeToWire),
      tcp: taken.tcp.map(tcpToWire),
      failures: taken.failures.map(failureToWire),
      dropped_series: taken.droppedSeries,
    });
    windowStartMs = now;
  }

  function tick(): void {
    tickTimer = undefined;
    if (stopped) return;
    report();
    tickTimer = clock.setTimeout(tick, intervalMs);
  }

  return {
    start() {
      windowStartMs = clock.now();
      connect();
      tickTimer = clock.setTimeout(tick, intervalMs);
    },
    get acked() {
      return acked;
    },
    close() {
      stopped = true;
      tickTimer?.cancel();
      retryTimer?.cancel();
      disconnect();
    },
  };
}
