// services: the mesh's logical services (create, read, update, delete).
import { z } from "zod";
import { IdSchema, ServiceCreateInput, ServiceSchema, ServiceUpdateInput } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

const tags = ["services"];
const ServiceResult = z.object({ service: ServiceSchema, revision: z.number().int() });

export const servicesRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/services", tags, summary: "List services with their versions, endpoints and routes" } })
    .input(z.void())
    .output(z.array(ServiceSchema))
    .query(({ ctx }) => ctx.services.mesh.list()),

  byId: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/services/{id}", tags, summary: "Get one service" } })
    .input(z.object({ id: IdSchema }))
    .output(ServiceSchema)
    .query(({ ctx, input }) => ctx.services.mesh.byId(input.id)),

  create: authedProcedure
    .meta({ openapi: { method: "POST", path: "/api/v1/services", tags, summary: "Create a service (with its traffic policy)" } })
    .input(ServiceCreateInput)
    .output(ServiceResult)
    .mutation(({ ctx, input }) => ctx.services.mesh.createService(ctx.principal.actor, input)),

  update: authedProcedure
    .meta({ openapi: { method: "PATCH", path: "/api/v1/services/{id}", tags, summary: "Change a service's protocol, port, description or policy (policy replaces the whole policy)" } })
    .input(ServiceUpdateInput)
    .output(ServiceResult)
    .mutation(({ ctx, input }) => ctx.services.mesh.updateService(ctx.principal.actor, input)),

  remove: authedProcedure
    .meta({ openapi: { method: "DELETE", path: "/api/v1/services/{id}", tags, summary: "Delete a service with its versions, endpoints and routes" } })
    .input(z.object({ id: IdSchema }))
    .output(z.object({ id: z.string(), revision: z.number().int() }))
    .mutation(({ ctx, input }) => ctx.services.mesh.removeService(ctx.principal.actor, input.id)),
});
