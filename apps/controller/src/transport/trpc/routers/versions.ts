// versions: subsets of a service's instances (e.g. v1, v2) that splits send traffic to.
import { z } from "zod";
import { IdSchema, VersionCreateInput, VersionSchema, VersionUpdateInput } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

const tags = ["versions"];
const VersionResult = z.object({ version: VersionSchema, revision: z.number().int() });

export const versionsRouter = router({
  create: authedProcedure
    .meta({ openapi: { method: "POST", path: "/api/v1/services/{serviceId}/versions", tags, summary: "Add a version to a service" } })
    .input(VersionCreateInput)
    .output(VersionResult)
    .mutation(({ ctx, input }) => ctx.services.mesh.createVersion(ctx.principal.actor, input)),

  update: authedProcedure
    .meta({ openapi: { method: "PATCH", path: "/api/v1/versions/{id}", tags, summary: "Replace a version's labels" } })
    .input(VersionUpdateInput)
    .output(VersionResult)
    .mutation(({ ctx, input }) => ctx.services.mesh.updateVersion(ctx.principal.actor, input)),

  remove: authedProcedure
    .meta({ openapi: { method: "DELETE", path: "/api/v1/versions/{id}", tags, summary: "Remove a version (refused while a split uses it)" } })
    .input(z.object({ id: IdSchema }))
    .output(z.object({ id: z.string(), revision: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.mesh.removeVersion(ctx.principal.actor, input.id)),
});
