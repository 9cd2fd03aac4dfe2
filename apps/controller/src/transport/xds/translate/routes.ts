// Routes (RDS): virtual hosts with ordered routes; first match wins, then a cluster or a weighted
// split, with the route's policy (route-policy.ts) on the action, the route and its filter configs.
import { TypeName } from "@weft/contracts/proto";
import type { RouteSpec, VirtualServiceSpec } from "../../../domain/snapshot";
import { toRouteMatch } from "./route-match";
import { toHeaderMutation, toPerFilterConfig, toRouteActionPolicy, type Flavor } from "./route-policy";
import { duration } from "./units";

export const ROUTES_TYPE = TypeName.RouteConfiguration;

export function toRoute(r: RouteSpec, flavor: Flavor = "sidecar"): Record<string, unknown> {
  const target =
    r.action.kind === "cluster"
      ? { cluster: r.action.cluster }
      : { weighted_clusters: { clusters: r.action.clusters.map((c) => ({ name: c.name, weight: { value: c.weight } })) } };
  const perFilter = toPerFilterConfig(r.policy, flavor);
  return {
    name: r.name,
    match: toRouteMatch(r.match),
    route: { ...target, ...toRouteActionPolicy(r) },
    ...toHeaderMutation(r.policy),
    ...(perFilter ? { typed_per_filter_config: perFilter } : {}),
  };
}

export function toVirtualHost(vs: VirtualServiceSpec, opts: { domains?: string[]; flavor?: Flavor } = {}): Record<string, unknown> {
  return { name: vs.key, domains: opts.domains ?? vs.domains, routes: vs.routes.map((r) => toRoute(r, opts.flavor)) };
}

export function toRouteConfiguration(name: string, virtualHosts: Record<string, unknown>[]): Record<string, unknown> {
  return { name, virtual_hosts: virtualHosts };
}

/**
 * The inbound side of a sidecar: everything to the local application. No timeout of its own
 * (`timeout: 0`): the caller's sidecar enforces the route's timeout, retries and the rest.
 */
export function toInboundRouteConfiguration(name: string, localCluster: string): Record<string, unknown> {
  return toRouteConfiguration(name, [
    { name: "inbound", domains: ["*"], routes: [{ name: "local-app", match: { prefix: "/" }, route: { cluster: localCluster, timeout: duration(0) } }] },
  ]);
}
