// revisions: the history of every committed configuration change, newest first.
import { z } from "zod";
import { RevisionSchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

export const revisionsRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/revisions", tags: ["revisions"], summary: "Configuration history, newest first" } })
    .input(
      z.object({
        limit: z.number().int().min(1).max(500).default(50),
        /** Only revisions older than this id (for paging). */
        before: z.number().int().positive().optional(),
        resourceId: z.string().optional(),
      }),
    )
    .output(z.array(RevisionSchema))
    .query(({ ctx, input }) => ctx.services.mesh.revisions(input)),
});
