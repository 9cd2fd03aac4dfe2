// Reading the controller's errors: tRPC code, stable WEFT_* code, the offending field, and a
// message fit to show (the controller's messages already name the field and what to do).
import { TRPCClientError } from "@trpc/client";

interface WeftErrorData {
  code?: string;
  httpStatus?: number;
  weftCode?: string;
  field?: string;
}

function dataOf(err: unknown): WeftErrorData | undefined {
  if (err instanceof TRPCClientError) return (err.data ?? undefined) as WeftErrorData | undefined;
  return undefined;
}

export function isUnauthorized(err: unknown): boolean {
  const d = dataOf(err);
  return d?.code === "UNAUTHORIZED" || d?.httpStatus === 401;
}

/** 4xx errors are answers, not outages: retrying them only delays the message. */
export function isClientError(err: unknown): boolean {
  const status = dataOf(err)?.httpStatus;
  return status !== undefined && status >= 400 && status < 500;
}

export const weftCodeOf = (err: unknown): string | undefined => dataOf(err)?.weftCode;
export const fieldOf = (err: unknown): string | undefined => dataOf(err)?.field;

export function errorMessage(err: unknown): string {
  if (err instanceof TRPCClientError) {
    // A non-JSON reply (proxy error page, controller restarting) surfaces as a parse failure.
    if (!err.data && /JSON|transform|fetch/i.test(err.message)) return "the console could not reach the controller; retrying";
    return err.message;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
