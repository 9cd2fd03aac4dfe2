// A sidecar's telemetry report stream, for tests and the ingest benchmark: real gRPC to the
// controller's TelemetryService, one report at a time, resolved when the controller acknowledges it.
import { credentials, type ClientDuplexStream } from "@grpc/grpc-js";
import type { TelemetryReport } from "@weft/contracts";
import { reportToWire } from "@weft/contracts/proto";
import { loadGrpcJsProtos } from "@weft/contracts/proto/grpc-js";

const protos = loadGrpcJsProtos();

/** TelemetryReport -> the snake_case wire message the sidecar writes. */

export interface ReportClient {
  /** Sends a report; resolves on the controller's ack, rejects if the stream fails first. */
  send(report: TelemetryReport | Record<string, unknown>): Promise<void>;
  close(): void;
}

export function reportClient(address: string): ReportClient {
  const client = new protos.telemetry(address, credentials.createInsecure()) as unknown as {
    Report(): ClientDuplexStream<Record<string, unknown>, { window_start_ms: string }>;
    close(): void;
  };
  const stream = client.Report();
  const waiting: Array<{ resolve(): void; reject(err: Error): void }> = [];
  let failure: Error | undefined;
  stream.on("data", () => waiting.shift()?.resolve());
  stream.on("error", (err: Error) => {
    failure = err;
    for (const w of waiting.splice(0)) w.reject(err);
  });
  return {
    send(report) {
      if (failure) return Promise.reject(failure);
      return new Promise<void>((resolve, reject) => {
        waiting.push({ resolve, reject });
        stream.write("nodeId" in report ? reportToWire(report as TelemetryReport) : report);
      });
    },
    close() {
      stream.cancel();
      client.close();
    },
  };
}
