// The telemetry side of the data path's events: each finished request is classified once (gRPC
// status, failure reason) and then counted (EdgeStats), sampled if it failed (FailureSamples), its
// span ended (Tracing) and its access log line written; TCP connections are counted as they open
// and close. Synchronous and allocation-light: these listeners run on the request path's tail.
import type { Clock } from "../core/clock";
import type { ProxyEvents, RequestRecord } from "../core/events";
import type { Tracing } from "../tracing/tracing";
import type { AccessLog } from "./access-log";
import type { EdgeStats } from "./edge-stats";
import type { FailureSamples } from "./failure-samples";
import { grpcStatusName } from "../core/grpc";
import { failureReasonOf, grpcStatusOfRecord } from "./request-outcome";
import type { TcpStats } from "./tcp-stats";

export interface RequestTelemetryParts {
  events: ProxyEvents;
  clock: Clock;
  edges: EdgeStats;
  tcp: TcpStats;
  failures: FailureSamples;
  tracing?: Tracing | undefined;
  accessLog?: AccessLog | undefined;
}

/** Subscribes; returns the unsubscribe. */
export function subscribeRequestTelemetry(parts: RequestTelemetryParts): () => void {
  const { clock, edges, failures, tracing, accessLog, tcp } = parts;

  function onRequest(r: RequestRecord): void {
    const grpcCode = grpcStatusOfRecord(r);
    const grpcStatus = grpcCode < 0 ? "" : grpcStatusName(grpcCode);
    const reason = failureReasonOf(r, grpcCode);
    edges.record(r, reason, grpcStatus);
    if (reason !== "") failures.record(r, reason, grpcStatus, clock.now() - r.durationMs);
    if (r.span !== undefined) tracing?.end(r, reason, grpcCode);
    accessLog?.write(r, reason, grpcStatus);
  }

  const off = [parts.events.on("request", onRequest), parts.events.on("tcpOpen", tcp.open), parts.events.on("tcp", tcp.close)];
  return () => {
    for (const o of off) o();
  };
}
