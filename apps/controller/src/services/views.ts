// Domain state -> API shapes (packages/contracts). What the console and REST clients see.
import type { Endpoint, Route, Service, Version } from "@weft/contracts";
import type { EndpointState, RouteState, ServiceState } from "../domain/mesh-state";

export function toVersionView(s: ServiceState, v: ServiceState["versions"][number]): Version {
  return {
    id: v.id,
    serviceId: s.id,
    name: v.name,
    labels: v.labels,
    endpointCount: s.endpoints.filter((e) => e.versionId === v.id).length,
  };
}

export function toEndpointView(s: ServiceState, e: EndpointState): Endpoint {
  return {
    id: e.id,
    serviceId: s.id,
    version: s.versions.find((v) => v.id === e.versionId)?.name ?? "",
    address: e.address,
    port: e.port,
    weight: e.weight,
    health: e.health,
    source: e.source,
    proxyId: e.proxyId,
    lastSeenAt: e.lastSeenAt ? e.lastSeenAt.toISOString() : null,
  };
}

export function toRouteView(s: ServiceState, r: RouteState): Route {
  return { id: r.id, serviceId: s.id, name: r.name, priority: r.priority, match: r.match, backends: r.backends, policy: r.policy };
}

export function toServiceView(s: ServiceState): Service {
  return {
    id: s.id,
    name: s.name,
    namespace: s.namespace,
    protocol: s.protocol,
    port: s.port,
    description: s.description,
    policy: s.policy,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    versions: s.versions.map((v) => toVersionView(s, v)),
    endpoints: s.endpoints.map((e) => toEndpointView(s, e)),
    routes: s.routes.map((r) => toRouteView(s, r)),
  };
}
