// A gRPC server's word on when to try again: google.rpc.RetryInfo among the details of the
// google.rpc.Status it sent in `grpc-status-details-bin` (gRPC's "richer error model"). OTLP
// collectors send it with RESOURCE_EXHAUSTED or UNAVAILABLE when they shed load.
import { loadProtos } from "@weft/contracts/proto";

const RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";

interface StatusWithDetails {
  details?: Array<{ "@type"?: string; retry_delay?: { seconds?: string | number; nanos?: number } }>;
}

/** The RetryInfo delay in ms, or undefined when the details carry none (or cannot be decoded). */
export function retryDelayOf(statusDetails: Buffer | undefined): number | undefined {
  if (statusDetails === undefined) return undefined;
  let status: StatusWithDetails;
  try {
    status = loadProtos().decode<StatusWithDetails>("google.rpc.Status", statusDetails);
  } catch {
    return undefined; // not a google.rpc.Status: as if the server had said nothing
  }
  for (const detail of status.details ?? []) {
    if (detail["@type"] !== RETRY_INFO) continue;
    const delay = detail.retry_delay ?? {};
    const ms = Number(delay.seconds ?? 0) * 1000 + (delay.nanos ?? 0) / 1e6;
    return Number.isFinite(ms) && ms >= 0 ? Math.ceil(ms) : undefined;
  }
  return undefined;
}
