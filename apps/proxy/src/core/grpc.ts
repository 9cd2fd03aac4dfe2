// gRPC on the data path: recognising gRPC requests, their `grpc-timeout` deadline, and gRPC-shaped
// local replies (HTTP 200, trailers-only `grpc-status` / `grpc-message`) instead of JSON, so gRPC
// clients see UNAVAILABLE, DEADLINE_EXCEEDED, … rather than a protocol error.
import type { OutgoingHttpHeaders } from "node:http";
import { ErrorCode, SidecarHeaders } from "@weft/contracts";

/** google.rpc.Code values used by the sidecar. */
export const GrpcStatus = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** google.rpc.Code names by value (0..16). */
export const GRPC_STATUS_NAMES = [
  "OK",
  "CANCELLED",
  "UNKNOWN",
  "INVALID_ARGUMENT",
  "DEADLINE_EXCEEDED",
  "NOT_FOUND",
  "ALREADY_EXISTS",
  "PERMISSION_DENIED",
  "RESOURCE_EXHAUSTED",
  "FAILED_PRECONDITION",
  "ABORTED",
  "OUT_OF_RANGE",
  "UNIMPLEMENTED",
  "INTERNAL",
  "UNAVAILABLE",
  "DATA_LOSS",
  "UNAUTHENTICATED",
] as const;

/** Name of a gRPC status code; codes outside the spec read as UNKNOWN (as gRPC clients treat them). */
export function grpcStatusName(code: number): string {
  return GRPC_STATUS_NAMES[code] ?? "UNKNOWN";
}

/** A status code as gRPC clients read it: codes outside the spec are UNKNOWN. */
export function knownGrpcStatus(code: number): number {
  return code >= 0 && code < GRPC_STATUS_NAMES.length ? code : GrpcStatus.UNKNOWN;
}

/** `application/grpc` and `application/grpc+<codec>` (not grpc-web, which carries trailers in the body). */
export function isGrpcContentType(contentType: string | string[] | undefined): boolean {
  if (typeof contentType !== "string" || !contentType.startsWith("application/grpc")) return false;
  const next = contentType.charCodeAt(16);
  return Number.isNaN(next) || next === 43 /* + */ || next === 59 /* ; */;
}

const UNIT_MS: Record<string, number> = { H: 3_600_000, M: 60_000, S: 1000, m: 1, u: 0.001, n: 0.000001 };

/** `grpc-timeout` (1-8 digits + H/M/S/m/u/n) in ms, rounded up; undefined when absent or malformed. */
export function parseGrpcTimeout(value: string | string[] | undefined): number | undefined {
  if (typeof value !== "string" || value.length < 2 || value.length > 9) return undefined;
  const unit = UNIT_MS[value[value.length - 1]!];
  if (unit === undefined) return undefined;
  const digits = value.slice(0, -1);
  if (!/^\d+$/.test(digits)) return undefined;
  return Math.ceil(Number(digits) * unit);
}

/** gRPC status for a locally generated error: by code where it says more, else by HTTP status (gRPC's HTTP mapping). */
export function grpcStatusOf(code: ErrorCode | undefined, httpStatus: number): number {
  if (code === ErrorCode.UpstreamTimeout) return GrpcStatus.DEADLINE_EXCEEDED;
  if (code === ErrorCode.Internal) return GrpcStatus.INTERNAL;
  switch (httpStatus) {
    case 400:
      return GrpcStatus.INTERNAL;
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.UNIMPLEMENTED;
    case 429:
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return GrpcStatus.UNKNOWN;
  }
}

/** grpc-message is percent-encoded: printable ASCII except "%" stays, everything else is %XX of its UTF-8 bytes. */
export function encodeGrpcMessage(message: string): string {
  let plain = true;
  for (let i = 0; i < message.length; i++) {
    const c = message.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x25) {
      plain = false;
      break;
    }
  }
  if (plain) return message;
  let out = "";
  for (const byte of Buffer.from(message, "utf8")) {
    out += byte >= 0x20 && byte <= 0x7e && byte !== 0x25 ? String.fromCharCode(byte) : "%" + byte.toString(16).toUpperCase().padStart(2, "0");
  }
  return out;
}

/** grpc-message is percent-encoded UTF-8; a malformed escape is left as it came. */
export function decodeGrpcMessage(value: string | string[] | undefined): string {
  if (typeof value !== "string" || value === "") return "";
  if (!value.includes("%")) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Headers of a trailers-only gRPC reply (HTTP 200, sent with END_STREAM on HTTP/2). */
export function grpcLocalReplyHeaders(code: ErrorCode | undefined, httpStatus: number, message: string): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {
    "content-type": "application/grpc",
    "grpc-status": String(grpcStatusOf(code, httpStatus)),
    "grpc-message": encodeGrpcMessage(message),
  };
  if (code !== undefined) headers[SidecarHeaders.error] = code;
  return headers;
}
