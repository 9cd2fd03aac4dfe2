// Routes (RDS): virtual hosts with ordered routes; first match wins, then a cluster or a weighted split.
import type { HeaderMatch } from "@weft/contracts";
import { TypeName } from "@weft/contracts/proto";
import type { RouteSpec, VirtualServiceSpec } from "../../../domain/snapshot";

export const ROUTES_TYPE = TypeName.RouteConfiguration;

function toHeaderMatcher(h: HeaderMatch): Record<string, unknown> {
  const base = { name: h.name, invert_match: h.invert };
  switch (h.type) {
    case "present":
      return { ...base, present_match: true };
    case "exact":
      return { ...base, string_match: { exact: h.value ?? "" } };
    case "prefix":
      return { ...base, string_match: { prefix: h.value ?? "" } };
  }
}

export function toRoute(r: RouteSpec): Record<string, unknown> {
  const path = r.match.path.type === "exact" ? { path: r.match.path.value } : { prefix: r.match.path.value };
  const action =
    r.action.kind === "cluster"
      ? { cluster: r.action.cluster }
      : { weighted_clusters: { clusters: r.action.clusters.map((c) => ({ name: c.name, weight: { value: c.weight } })) } };
  return { name: r.name, match: { ...path, headers: r.match.headers.map(toHeaderMatcher) }, route: action };
}

export function toVirtualHost(vs: VirtualServiceSpec, domains: string[] = vs.domains): Record<string, unknown> {
  return { name: vs.key, domains, routes: vs.routes.map(toRoute) };
}

export function toRouteConfiguration(name: string, virtualHosts: Record<string, unknown>[]): Record<string, unknown> {
  return { name, virtual_hosts: virtualHosts };
}

/** The inbound side of a sidecar: everything to the local application. */
export function toInboundRouteConfiguration(name: string, localCluster: string): Record<string, unknown> {
  return toRouteConfiguration(name, [
    { name: "inbound", domains: ["*"], routes: [{ name: "local-app", match: { prefix: "/" }, route: { cluster: localCluster } }] },
  ]);
}
