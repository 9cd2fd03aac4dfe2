// endpoints: instances of a service. Sidecars register their own; these manage the rest.
import { z } from "zod";
import { EndpointCreateInput, EndpointSchema, EndpointUpdateInput, IdSchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

const tags = ["endpoints"];
const EndpointResult = z.object({ endpoint: EndpointSchema, revision: z.number().int() });

export const endpointsRouter = router({
  create: authedProcedure
    .meta({ openapi: { method: "POST", path: "/api/v1/services/{serviceId}/endpoints", tags, summary: "Add an endpoint to a service version" } })
    .input(EndpointCreateInput)
    .output(EndpointResult)
    .mutation(({ ctx, input }) => ctx.services.mesh.createEndpoint(ctx.principal.actor, input)),

  update: authedProcedure
    .meta({ openapi: { method: "PATCH", path: "/api/v1/endpoints/{id}", tags, summary: "Change an endpoint's version, weight or health" } })
    .input(EndpointUpdateInput)
    .output(EndpointResult)
    .mutation(({ ctx, input }) => ctx.services.mesh.updateEndpoint(ctx.principal.actor, input)),

  remove: authedProcedure
    .meta({ openapi: { method: "DELETE", path: "/api/v1/endpoints/{id}", tags, summary: "Remove an endpoint" } })
    .input(z.object({ id: IdSchema }))
    .output(z.object({ id: z.string(), revision: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.mesh.removeEndpoint(ctx.principal.actor, input.id)),
});
