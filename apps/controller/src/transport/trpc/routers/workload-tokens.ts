// workloadTokens: join tokens that let a workload's sidecars get certificates from the mesh CA.
// The secret is returned once, at creation.
import { z } from "zod";
import { IdSchema, spiffeId, WorkloadTokenCreateInput, WorkloadTokenSchema, type WorkloadToken } from "@weft/contracts";
import type { WorkloadTokenRecord } from "../../../ports/workload-token-repository";
import { authedProcedure, router } from "../trpc";

const tags = ["workload identity"];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function view(r: WorkloadTokenRecord, trustDomain: string): WorkloadToken {
  return {
    id: r.id,
    service: r.service,
    namespace: r.namespace,
    identity: spiffeId(trustDomain, r.namespace, r.service),
    prefix: r.prefix,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
    expiresAt: r.expiresAt.toISOString(),
    lastUsedAt: iso(r.lastUsedAt),
    revokedAt: iso(r.revokedAt),
  };
}

export const workloadTokensRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/workload-tokens", tags, summary: "List join tokens (never their secrets)" } })
    .input(z.void())
    .output(z.array(WorkloadTokenSchema))
    .query(async ({ ctx }) => (await ctx.services.tokens.list()).map((r) => view(r, ctx.services.ca.trustDomain))),

  create: authedProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/api/v1/workload-tokens",
        tags,
        summary: "Create a join token for a workload; the secret (weft_jt_…) is shown only in this response",
      },
    })
    .input(WorkloadTokenCreateInput)
    .output(z.object({ token: z.string(), workloadToken: WorkloadTokenSchema }))
    .mutation(async ({ ctx, input }) => {
      const { token, record } = await ctx.services.tokens.create(ctx.principal.actor, input);
      return { token, workloadToken: view(record, ctx.services.ca.trustDomain) };
    }),

  revoke: authedProcedure
    .meta({ openapi: { method: "DELETE", path: "/api/v1/workload-tokens/{id}", tags, summary: "Revoke a join token (certificates already issued stay valid until they expire)" } })
    .input(z.object({ id: IdSchema }))
    .output(z.object({ revoked: z.boolean() }))
    .mutation(async ({ ctx, input }) => ({ revoked: await ctx.services.tokens.revoke(input.id) })),
});
