// weft.telemetry.v1 messages <-> the contract shapes (telemetry.ts). One mapping for the sidecar that
// sends reports, the controller that receives them and the test servers. On the wire fields are
// snake_case and 64-bit integers arrive as strings (proto-loader `longs: String`).
import type { EdgeSample, FailureSample, TcpSample, TelemetryReport } from "../telemetry";

type Wire = Record<string, unknown>;

export interface WireReport {
  node_id?: string;
  service?: string;
  namespace?: string;
  version?: string;
  window_start_ms?: string | number;
  window_ms?: number;
  edges?: Wire[];
  tcp?: Wire[];
  failures?: Wire[];
  dropped_series?: number;
}

export function edgeToWire(e: EdgeSample): Wire {
  return {
    direction: e.direction,
    source_service: e.sourceService,
    source_namespace: e.sourceNamespace,
    source_version: e.sourceVersion,
    destination_service: e.destinationService,
    destination_namespace: e.destinationNamespace,
    destination_version: e.destinationVersion,
    route: e.route,
    status_class: e.statusClass,
    requests: e.requests,
    failures: e.failures,
    duration_sum_ms: e.durationSumMs,
    duration_buckets: e.durationBuckets,
    request_bytes: e.requestBytes,
    response_bytes: e.responseBytes,
    reason: e.reason,
    grpc_status: e.grpcStatus,
  };
}

export function tcpToWire(t: TcpSample): Wire {
  return {
    direction: t.direction,
    source_service: t.sourceService,
    source_namespace: t.sourceNamespace,
    destination_service: t.destinationService,
    destination_namespace: t.destinationNamespace,
    destination_version: t.destinationVersion,
    connections_opened: t.connectionsOpened,
    connections_closed: t.connectionsClosed,
    bytes_sent: t.bytesSent,
    bytes_received: t.bytesReceived,
  };
}

export function failureToWire(f: FailureSample): Wire {
  return {
    time_unix_ms: f.timeUnixMs,
    trace_id: f.traceId,
    direction: f.direction,
    source_service: f.sourceService,
    destination_service: f.destinationService,
    destination_namespace: f.destinationNamespace,
    destination_version: f.destinationVersion,
    route: f.route,
    method: f.method,
    path: f.path,
    status: f.status,
    grpc_status: f.grpcStatus,
    reason: f.reason,
    duration_ms: f.durationMs,
    upstream: f.upstream,
  };
}

export function reportToWire(r: TelemetryReport): Wire {
  return {
    node_id: r.nodeId,
    service: r.service,
    namespace: r.namespace,
    version: r.version,
    window_start_ms: r.windowStartMs,
    window_ms: r.windowMs,
    edges: r.edges.map(edgeToWire),
    tcp: r.tcp.map(tcpToWire),
    failures: r.failures.map(failureToWire),
    dropped_series: r.droppedSeries,
  };
}

const num = (v: unknown) => (v === undefined || v === null ? 0 : Number(v));
const str = (v: unknown) => (typeof v === "string" ? v : "");

/** A decoded report in contract field names, not yet validated: parse it with TelemetryReportSchema. */
export function reportFromWire(w: WireReport): unknown {
  return {
    nodeId: w.node_id ?? "",
    service: w.service ?? "",
    namespace: w.namespace ?? "",
    version: w.version ?? "",
    windowStartMs: num(w.window_start_ms),
    windowMs: num(w.window_ms),
    edges: (w.edges ?? []).map((e) => ({
      direction: e.direction,
      sourceService: str(e.source_service),
      sourceNamespace: str(e.source_namespace),
      sourceVersion: str(e.source_version),
      destinationService: str(e.destination_service),
      destinationNamespace: str(e.destination_namespace),
      destinationVersion: str(e.destination_version),
      route: str(e.route),
      statusClass: e.status_class,
      requests: num(e.requests),
      failures: num(e.failures),
      durationSumMs: num(e.duration_sum_ms),
      durationBuckets: ((e.duration_buckets as unknown[]) ?? []).map(num),
      requestBytes: num(e.request_bytes),
      responseBytes: num(e.response_bytes),
      reason: str(e.reason),
      grpcStatus: str(e.grpc_status),
    })),
    tcp: (w.tcp ?? []).map((t) => ({
      direction: t.direction,
      sourceService: str(t.source_service),
      sourceNamespace: str(t.source_namespace),
      destinationService: str(t.destination_service),
      destinationNamespace: str(t.destination_namespace),
      destinationVersion: str(t.destination_version),
      connectionsOpened: num(t.connections_opened),
      connectionsClosed: num(t.connections_closed),
      bytesSent: num(t.bytes_sent),
      bytesReceived: num(t.bytes_received),
    })),
    failures: (w.failures ?? []).map((f) => ({
      timeUnixMs: num(f.time_unix_ms),
      traceId: str(f.trace_id),
      direction: f.direction,
      sourceService: str(f.source_service),
      destinationService: str(f.destination_service),
      destinationNamespace: str(f.destination_namespace),
      destinationVersion: str(f.destination_version),
      route: str(f.route),
      method: str(f.method),
      path: str(f.path),
      status: num(f.status),
      grpcStatus: str(f.grpc_status),
      reason: f.reason,
      durationMs: num(f.duration_ms),
      upstream: str(f.upstream),
    })),
    droppedSeries: num(w.dropped_series),
  };
}
