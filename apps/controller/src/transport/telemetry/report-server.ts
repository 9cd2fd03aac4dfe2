// weft.telemetry.v1.TelemetryService: sidecars stream one report of edge deltas per interval.
// Reports are validated (bounded sizes) before they reach the telemetry service.
import { status, type ServerDuplexStream, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { TelemetryReportSchema, type TelemetryReport } from "@weft/contracts";
import type { TelemetryService } from "../../services/telemetry-service";

interface WireReport {
  node_id?: string;
  service?: string;
  namespace?: string;
  version?: string;
  window_start_ms?: string | number;
  window_ms?: number;
  edges?: Array<Record<string, unknown>>;
}

const num = (v: unknown) => (v === undefined || v === null ? 0 : Number(v));

export function fromWire(w: WireReport): unknown {
  return {
    nodeId: w.node_id ?? "",
    service: w.service ?? "",
    namespace: w.namespace ?? "",
    version: w.version ?? "",
    windowStartMs: num(w.window_start_ms),
    windowMs: num(w.window_ms),
    edges: (w.edges ?? []).map((e) => ({
      direction: e.direction,
      sourceService: e.source_service ?? "",
      sourceNamespace: e.source_namespace ?? "",
      sourceVersion: e.source_version ?? "",
      destinationService: e.destination_service ?? "",
      destinationNamespace: e.destination_namespace ?? "",
      destinationVersion: e.destination_version ?? "",
      route: e.route ?? "",
      statusClass: e.status_class,
      requests: num(e.requests),
      failures: num(e.failures),
      durationSumMs: num(e.duration_sum_ms),
      durationBuckets: ((e.duration_buckets as unknown[]) ?? []).map(num),
      requestBytes: num(e.request_bytes),
      responseBytes: num(e.response_bytes),
    })),
  };
}

export function createTelemetryImplementation(deps: {
  telemetry: TelemetryService;
  log: { warn(obj: object, msg: string): void };
}): UntypedServiceImplementation {
  return {
    Report(call: ServerDuplexStream<WireReport, { window_start_ms: string }>) {
      call.on("data", (wire: WireReport) => {
        const parsed = TelemetryReportSchema.safeParse(fromWire(wire));
        if (!parsed.success) {
          const reason = parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
          deps.log.warn({ nodeId: wire.node_id, reason }, "rejected telemetry report");
          call.emit("error", { code: status.INVALID_ARGUMENT, details: `invalid telemetry report: ${reason}` });
          return;
        }
        const report: TelemetryReport = parsed.data;
        deps.telemetry.ingest(report);
        call.write({ window_start_ms: String(report.windowStartMs) });
      });
      call.on("end", () => call.end());
    },
  } as UntypedServiceImplementation;
}
