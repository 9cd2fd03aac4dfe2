// tokens: bearer API tokens for automation and the CLI. The secret is returned once, at creation.
import { z } from "zod";
import { IdSchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

const tags = ["tokens"];
const TokenSchema = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  createdAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const tokensRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/tokens", tags, summary: "List API tokens (never their secrets)" } })
    .input(z.void())
    .output(z.array(TokenSchema))
    .query(async ({ ctx }) =>
      (await ctx.services.auth.listTokens()).map((t) => ({ ...t, createdAt: t.createdAt.toISOString(), lastUsedAt: iso(t.lastUsedAt), revokedAt: iso(t.revokedAt) })),
    ),

  create: authedProcedure
    .meta({ openapi: { method: "POST", path: "/api/v1/tokens", tags, summary: "Create an API token; the secret is shown only in this response" } })
    .input(z.object({ name: z.string().min(1, "give the token a name, e.g. \"ci\"").max(64) }))
    .output(z.object({ token: z.string(), id: z.string(), name: z.string(), prefix: z.string() }))
    .mutation(async ({ ctx, input }) => {
      const { token, record } = await ctx.services.auth.createToken(ctx.principal, input.name);
      return { token, id: record.id, name: record.name, prefix: record.prefix };
    }),

  revoke: authedProcedure
    .meta({ openapi: { method: "DELETE", path: "/api/v1/tokens/{id}", tags, summary: "Revoke an API token" } })
    .input(z.object({ id: IdSchema }))
    .output(z.object({ revoked: z.boolean() }))
    .mutation(async ({ ctx, input }) => ({ revoked: await ctx.services.auth.revokeToken(input.id) })),
});
