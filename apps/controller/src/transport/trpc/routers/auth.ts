// auth: console sign-in (session cookie), sign-out, and who am I.
import { z } from "zod";
import { authedProcedure, publicProcedure, router } from "../trpc";

const tags = ["auth"];
const Me = z.object({ username: z.string(), role: z.string(), via: z.enum(["session", "token"]) });

export const authRouter = router({
  login: publicProcedure
    .meta({ openapi: { method: "POST", path: "/api/v1/auth/login", tags, protect: false, summary: "Sign in; sets the weft_session cookie" } })
    .input(z.object({ username: z.string().min(1, "enter a username").max(128), password: z.string().min(1, "enter a password").max(1024) }))
    .output(Me)
    .mutation(async ({ ctx, input }) => {
      const { cookieValue, expiresAt, principal } = await ctx.services.auth.login(input.username, input.password);
      ctx.setSessionCookie(cookieValue, expiresAt);
      return { username: principal.username, role: principal.role, via: principal.via };
    }),

  logout: authedProcedure
    .meta({ openapi: { method: "POST", path: "/api/v1/auth/logout", tags, summary: "Sign out of this session" } })
    .input(z.void())
    .output(z.object({ ok: z.literal(true) }))
    .mutation(async ({ ctx }) => {
      if (ctx.sessionCookie) await ctx.services.auth.logout(ctx.sessionCookie);
      ctx.clearSessionCookie();
      return { ok: true as const };
    }),

  me: authedProcedure
    .meta({ openapi: { method: "GET", path: "/api/v1/auth/me", tags, summary: "The signed-in user" } })
    .input(z.void())
    .output(Me)
    .query(({ ctx }) => ({ username: ctx.principal.username, role: ctx.principal.role, via: ctx.principal.via })),
});
