// proxies: data-plane clients connected to this controller and the config each has ACKed or NACKed.
import { z } from "zod";
import { ProxyStatusSchema } from "@weft/contracts";
import { authedProcedure, router } from "../trpc";

export const proxiesRouter = router({
  list: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/proxies", tags: ["proxies"], summary: "Connected proxies and their config versions" } })
    .input(z.void())
    .output(z.array(ProxyStatusSchema))
    .query(({ ctx }) => ctx.services.proxies.list()),
});
