// tRPC foundation: context, procedures (public / authenticated), and the error map from domain
// errors to tRPC codes. Every error carries a stable WEFT_* code and, for bad input, the field.
import { initTRPC, TRPCError } from "@trpc/server";
import type { TRPC_ERROR_CODE_KEY } from "@trpc/server/unstable-core-do-not-import";
import type { OpenApiMeta } from "trpc-to-openapi";
import { ZodError } from "zod";
import { ErrorCode } from "@weft/contracts";
import { DomainError } from "../../domain/errors";
import type { Principal } from "../../services/auth-service";
import type { Services } from "../../services/services";

export interface Context {
  services: Services;
  principal: Principal | null;
  /** The raw session cookie, if the request carried one (for logout). */
  sessionCookie: string | null;
  setSessionCookie(value: string, expiresAt: Date): void;
  clearSessionCookie(): void;
}

const toTrpcCode: Record<string, TRPC_ERROR_CODE_KEY> = {
  [ErrorCode.Validation]: "BAD_REQUEST",
  [ErrorCode.NotFound]: "NOT_FOUND",
  [ErrorCode.Conflict]: "CONFLICT",
  [ErrorCode.InUse]: "CONFLICT",
  [ErrorCode.Unauthenticated]: "UNAUTHORIZED",
  [ErrorCode.Forbidden]: "FORBIDDEN",
};

function describeZod(error: ZodError): { message: string; field?: string } {
  const parts = error.issues.map((i) => (i.path.length ? `${i.path.join(".")}: ${i.message}` : i.message));
  const first = error.issues[0];
  return { message: parts.join("; "), ...(first?.path.length ? { field: first.path.join(".") } : {}) };
}

const t = initTRPC
  .context<Context>()
  .meta<OpenApiMeta>()
  .create({
    errorFormatter({ shape, error }) {
      const cause = error.cause;
      let weftCode: string = ErrorCode.Internal;
      let field: string | undefined;
      let message = shape.message;
      if (cause instanceof ZodError) {
        const d = describeZod(cause);
        weftCode = ErrorCode.Validation;
        field = d.field;
        message = d.message;
      } else if (cause instanceof DomainError) {
        weftCode = cause.code;
        field = cause.field;
      } else if (error.code === "UNAUTHORIZED") {
        weftCode = ErrorCode.Unauthenticated;
      } else if (error.code === "NOT_FOUND") {
        weftCode = ErrorCode.NotFound;
      } else if (error.code === "BAD_REQUEST") {
        weftCode = ErrorCode.Validation;
      } else if (error.code === "INTERNAL_SERVER_ERROR") {
        // Never leak internals (SQL, stack) to callers; the log has the details.
        message = "internal error; see the controller log";
      }
      return { ...shape, message, data: { ...shape.data, stack: undefined, weftCode, ...(field ? { field } : {}) } };
    },
  });

/**
 * Turns domain errors, input validation errors and unique-constraint races into tRPC errors with a
 * message that names the field (REST clients see the same message); the formatter adds the WEFT code.
 */
const mapErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const cause = result.error.cause;
    if (cause instanceof ZodError) {
      const d = describeZod(cause);
      const invalid = new DomainError(ErrorCode.Validation, d.message);
      throw new TRPCError({ code: "BAD_REQUEST", message: d.message, cause: Object.assign(invalid, { field: d.field }) });
    }
    if (cause instanceof DomainError) {
      throw new TRPCError({ code: toTrpcCode[cause.code] ?? "INTERNAL_SERVER_ERROR", message: cause.message, cause });
    }
    if ((cause as { code?: string } | undefined)?.code === "P2002") {
      const conflict = new DomainError(ErrorCode.Conflict, "a resource with the same identity was created concurrently; reload and retry");
      throw new TRPCError({ code: "CONFLICT", message: conflict.message, cause: conflict });
    }
  }
  return result;
});

const requireAuth = t.middleware(({ ctx, next }) => {
  if (!ctx.principal) {
    throw new TRPCError({
      code: "UNAUTHORIZED",
      message: "sign in to the console, or send an API token as 'Authorization: Bearer weft_…'",
    });
  }
  return next({ ctx: { ...ctx, principal: ctx.principal } });
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(mapErrors);
export const authedProcedure = publicProcedure.use(requireAuth);
