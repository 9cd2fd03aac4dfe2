// splits: the weighted split of a service's traffic across its versions.
import { z } from "zod";
import { RouteSchema, SplitSetInput } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

export const splitsRouter = router({
  set: authedProcedure
    .meta({
      openapi: {
        method: "PUT",
        path: "/api/v1/services/{serviceId}/split",
        tags: ["splits"],
        summary: "Set a service's split",
        description:
          "Sets the weighted split of `routeId`, or of the service's catch-all route (created as \"default\" if absent). " +
          "Weights are whole percentages summing to 100; an empty list sends traffic to every version.",
      },
    })
    .input(SplitSetInput)
    .output(z.object({ route: RouteSchema, revision: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.mesh.setSplit(ctx.principal.actor, input)),
});
