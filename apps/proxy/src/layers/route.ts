// Logical routing: the listener's route table (RDS) -> virtual host by authority -> first matching
// route (path, headers incl. :method/:authority, query). Before the controller sent that listener
// and its routes: WEFT_NO_CONFIG.
import { ErrorCode } from "@weft/contracts";
import type { Layer } from "../core/layer";
import { ProxyError } from "../core/errors";
import type { Direction } from "../core/runtime-config";
import { findVirtualHost, matchRoute } from "../routing/route-match";

export interface RouteLayerParams {
  /** Which listener's route table to use. */
  listener: Direction;
}

const MAX_ECHO = 200; // characters of a request path quoted back in an error message

export function routeLayer(params: RouteLayerParams): Layer {
  const direction = params.listener;
  return (next) =>
    function routeHandler(ctx) {
      const listener = ctx.config[direction];
      if (listener === undefined) {
        throw new ProxyError(ErrorCode.NoConfig, `no configuration from the controller yet (waiting for listener "weft.${direction}")`);
      }
      const table = ctx.config.routes.get(listener.routeConfigName);
      if (table === undefined) {
        throw new ProxyError(ErrorCode.NoConfig, `no configuration from the controller yet (waiting for route configuration "${listener.routeConfigName}")`);
      }
      if (ctx.authority === "") {
        throw new ProxyError(ErrorCode.RouteNotFound, "the request names no service: send a Host header or use this sidecar as the HTTP proxy (http://<service>:<port>/...)");
      }
      const vhost = findVirtualHost(table, ctx.authority);
      if (vhost === undefined) {
        throw new ProxyError(ErrorCode.RouteNotFound, `no service "${ctx.authority}" in the mesh; known: ${table.knownHosts}`);
      }
      ctx.virtualHost = vhost;
      if (direction === "outbound" && vhost.identity !== undefined) ctx.destination = vhost.identity;
      const route = matchRoute(vhost, ctx);
      if (route === undefined) {
        const path = ctx.path.length > MAX_ECHO ? ctx.path.slice(0, MAX_ECHO) + "…" : ctx.path;
        throw new ProxyError(ErrorCode.RouteNotFound, `no route of "${vhost.name}" matches ${ctx.method} ${path}`);
      }
      ctx.route = route;
      return next(ctx);
    };
}
