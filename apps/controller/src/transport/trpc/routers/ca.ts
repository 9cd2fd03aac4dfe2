// ca: the mesh CA's trust bundle, for operators (e.g. to let non-mesh clients verify sidecars).
import { z } from "zod";
import { TrustBundleSchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

export const caRouter = router({
  trustBundle: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/trust-bundle", tags: ["workload identity"], summary: "The mesh CA certificate every workload trusts (PEM) and its details" } })
    .input(z.void())
    .output(TrustBundleSchema)
    .query(({ ctx }) => ctx.services.ca.trustBundle()),
});
