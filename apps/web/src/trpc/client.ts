// The typed tRPC hooks for the controller's API. Only the router's *type* is imported: no
// controller code reaches the browser bundle.
import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { inferRouterInputs, inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "@weft/controller/router";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;

/** Same-origin: src/app/api/[...path] forwards to the controller. */
export const TRPC_URL = "/api/trpc";
