// The controller's API: every procedure the console, the REST API and the CLI use.
import { authRouter } from "./routers/auth";
import { caRouter } from "./routers/ca";
import { endpointsRouter } from "./routers/endpoints";
import { graphRouter } from "./routers/graph";
import { proxiesRouter } from "./routers/proxies";
import { revisionsRouter } from "./routers/revisions";
import { routesRouter } from "./routers/routes";
import { servicesRouter } from "./routers/services";
import { splitsRouter } from "./routers/splits";
import { telemetryRouter } from "./routers/telemetry";
import { tokensRouter } from "./routers/tokens";
import { tracesRouter } from "./routers/traces";
import { versionsRouter } from "./routers/versions";
import { workloadTokensRouter } from "./routers/workload-tokens";
import { router } from "./trpc";

export const appRouter = router({
  auth: authRouter,
  tokens: tokensRouter,
  services: servicesRouter,
  versions: versionsRouter,
  endpoints: endpointsRouter,
  routes: routesRouter,
  splits: splitsRouter,
  revisions: revisionsRouter,
  proxies: proxiesRouter,
  graph: graphRouter,
  telemetry: telemetryRouter,
  traces: tracesRouter,
  workloadTokens: workloadTokensRouter,
  ca: caRouter,
});

export type AppRouter = typeof appRouter;
