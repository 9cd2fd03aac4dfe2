// Domain errors: values with a stable code and, for bad input, the field to fix.
import { ErrorCode } from "@weft/contracts";

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${message}` : message);
    this.name = "DomainError";
  }
}

export const invalid = (field: string, message: string) => new DomainError(ErrorCode.Validation, message, field);
export const notFound = (what: string) => new DomainError(ErrorCode.NotFound, `${what} does not exist`);
export const conflict = (message: string, field?: string) => new DomainError(ErrorCode.Conflict, message, field);
export const inUse = (message: string) => new DomainError(ErrorCode.InUse, message);
