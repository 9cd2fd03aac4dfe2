// graph: the live service graph built from sidecar telemetry.
import { z } from "zod";
import { ServiceGraphSchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

export const graphRouter = router({
  live: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/graph", tags: ["telemetry"], summary: "Service graph with request rates over the last seconds" } })
    .input(z.object({ windowSeconds: z.number().int().min(1).max(60).default(10) }))
    .output(ServiceGraphSchema)
    .query(({ ctx, input }) => ctx.services.telemetry.graph(input.windowSeconds)),
});
