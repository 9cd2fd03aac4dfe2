// telemetry: per-service and per-edge series (total, per version, per route), failures by reason,
// and the recent failed requests sidecars sampled.
import { z } from "zod";
import { EdgeMetricsInput, EdgeMetricsSchema, FailuresInput, RecentFailureSchema, ServiceMetricsInput, ServiceMetricsSchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

export const telemetryRouter = router({
  service: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/telemetry/services/{service}", tags: ["telemetry"], summary: "A service's request rate, success rate, latency and bytes over a window" } })
    .input(ServiceMetricsInput)
    .output(ServiceMetricsSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.serviceMetrics(input)),

  edge: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/telemetry/edges", tags: ["telemetry"], summary: "One graph edge's series over a window" } })
    .input(EdgeMetricsInput)
    .output(EdgeMetricsSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.edgeMetrics(input)),

  failures: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/telemetry/services/{service}/failures", tags: ["telemetry"], summary: "Recent failed requests to a service, newest first" } })
    .input(FailuresInput)
    .output(z.array(RecentFailureSchema))
    .query(({ ctx, input }) => ctx.services.telemetry.recentFailures(input)),
});
