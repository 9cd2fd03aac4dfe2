// weft.telemetry.v1.TelemetryService: sidecars stream one report of deltas per interval. Each report
// is mapped from the wire, validated (bounded sizes, bounded label lengths) and acknowledged; an
// invalid one ends the stream with INVALID_ARGUMENT naming the field. gRPC itself refuses messages
// over 4 MiB (RESOURCE_EXHAUSTED).
import { status, type ServerDuplexStream, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { TelemetryReportSchema, type TelemetryReport } from "@weft/contracts";
import { reportFromWire, type WireReport } from "@weft/contracts/proto";

/** Longest label value accepted (service, namespace, version, route...): labels are series keys. */
export const MAX_LABEL_LENGTH = 253;

const LABELS = ["sourceService", "sourceNamespace", "sourceVersion", "destinationService", "destinationNamespace", "destinationVersion", "route"] as const;

/** Validates a decoded report; the error names the first offending fields. */
export function parseReport(wire: WireReport): { report: TelemetryReport } | { error: string } {
  const parsed = TelemetryReportSchema.safeParse(reportFromWire(wire));
  if (!parsed.success) {
    return { error: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
  }
  const r = parsed.data;
  for (const [field, v] of [["nodeId", r.nodeId], ["service", r.service], ["namespace", r.namespace], ["version", r.version]] as const) {
    if (v.length > MAX_LABEL_LENGTH) return { error: `${field}: longer than ${MAX_LABEL_LENGTH} characters` };
  }
  for (const [list, items] of [["edges", r.edges], ["tcp", r.tcp]] as const) {
    for (let i = 0; i < items.length; i++) {
      const item = items[i] as Record<string, unknown>;
      for (const label of LABELS) {
        const v = item[label];
        if (typeof v === "string" && v.length > MAX_LABEL_LENGTH) return { error: `${list}.${i}.${label}: longer than ${MAX_LABEL_LENGTH} characters` };
      }
    }
  }
  return { report: r };
}

export interface ReportMetrics {
  reportIngested(series: number, dropped: number): void;
  reportRejected(): void;
}

export function createTelemetryImplementation(deps: {
  ingest(report: TelemetryReport): { series: number; dropped: number };
  metrics?: ReportMetrics;
  log: { warn(obj: object, msg: string): void };
}): UntypedServiceImplementation {
  return {
    Report(call: ServerDuplexStream<WireReport, { window_start_ms: string }>) {
      call.on("data", (wire: WireReport) => {
        const result = parseReport(wire);
        if ("error" in result) {
          deps.metrics?.reportRejected();
          deps.log.warn({ nodeId: wire.node_id, reason: result.error }, "rejected telemetry report");
          call.emit("error", { code: status.INVALID_ARGUMENT, details: `invalid telemetry report: ${result.error}` });
          return;
        }
        const { series, dropped } = deps.ingest(result.report);
        deps.metrics?.reportIngested(series, dropped);
        call.write({ window_start_ms: String(result.report.windowStartMs) });
      });
      call.on("end", () => call.end());
    },
  } as UntypedServiceImplementation;
}
