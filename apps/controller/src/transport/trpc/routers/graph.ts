// graph: the service graph built from sidecar telemetry — over a window, and pushed live every
// second over SSE (tRPC subscription; clients use httpSubscriptionLink).
import { tracked } from "@trpc/server";
import { z } from "zod";
import { ServiceGraphSchema, TimeWindowSchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

export const graphRouter = router({
  /** The console's original view: the last `windowSeconds` seconds. */
  live: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/graph", tags: ["telemetry"], summary: "Service graph with request rates over the last seconds" } })
    .input(z.object({ windowSeconds: z.number().int().min(1).max(60).default(10) }))
    .output(ServiceGraphSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.graph(input.windowSeconds)),

  get: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/telemetry/graph", tags: ["telemetry"], summary: "Service graph over a window (live, 5m, 1h, 24h, 7d)" } })
    .input(z.object({ window: TimeWindowSchema.default("live") }))
    .output(ServiceGraphSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.graphFor(input.window)),

  /**
   * The graph of `window` now and then every second, as server-sent events. Each event's id is the
   * graph's time, so a reconnecting client resumes with the next one. Ends when the client goes.
   */
  watch: authedProcedure.input(z.object({ window: TimeWindowSchema.default("live") })).subscription(async function* ({ ctx, input, signal }) {
    for await (const graph of ctx.services.telemetry.watchGraph(input.window, signal ?? new AbortController().signal)) {
      yield tracked(String(Date.parse(graph.generatedAt)), graph);
    }
  }),
});
