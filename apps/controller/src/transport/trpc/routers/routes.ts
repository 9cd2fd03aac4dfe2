// routes: ordered HTTP matches of a service, each with a weighted split across versions.
import { z } from "zod";
import { IdSchema, RouteCreateInput, RouteSchema, RouteUpdateInput } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

const tags = ["routes"];
const RouteResult = z.object({ route: RouteSchema, revision: z.number().int() });

export const routesRouter = router({
  create: authedProcedure
    .meta({ openapi: { method: "POST", path: "/api/v1/services/{serviceId}/routes", tags, summary: "Add a route (match, split, policy) to a service" } })
    .input(RouteCreateInput)
    .output(RouteResult)
    .mutation(({ ctx, input }) => ctx.services.mesh.createRoute(ctx.principal.actor, input)),

  update: authedProcedure
    .meta({ openapi: { method: "PATCH", path: "/api/v1/routes/{id}", tags, summary: "Change a route's name, position, match, split or policy (policy replaces the whole policy)" } })
    .input(RouteUpdateInput)
    .output(RouteResult)
    .mutation(({ ctx, input }) => ctx.services.mesh.updateRoute(ctx.principal.actor, input)),

  remove: authedProcedure
    .meta({ openapi: { method: "DELETE", path: "/api/v1/routes/{id}", tags, summary: "Remove a route" } })
    .input(z.object({ id: IdSchema }))
    .output(z.object({ id: z.string(), revision: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.mesh.removeRoute(ctx.principal.actor, input.id)),
});
