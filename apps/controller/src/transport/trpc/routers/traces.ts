// traces: recent traces from the spans sidecars export over OTLP — search, and one trace's span tree.
import { z } from "zod";
import { TraceSchema, TraceSearchInput, TraceSummarySchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

export const tracesRouter = router({
  search: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/traces", tags: ["telemetry"], summary: "Recent traces by service, status, minimum duration and window, newest first" } })
    .input(TraceSearchInput)
    .output(z.array(TraceSummarySchema))
    .query(({ ctx, input }) => ctx.services.telemetry.searchTraces(input)),

  byId: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/traces/{traceId}", tags: ["telemetry"], summary: "One trace: its spans, parents before children" } })
    .input(z.object({ traceId: z.string().regex(/^[0-9a-fA-F]{32}$/, "must be a W3C trace id (32 hex characters)") }))
    .output(TraceSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.trace(input.traceId)),
});
