// Builds the data-plane view of the mesh from its desired state: virtual services with resolved
// route actions, clusters (one per service and one per version) and their endpoints. Pure and
// protocol-neutral; transport/xds translates it to Envoy resources.
import { clusterName, type Protocol, type RouteMatch } from "@weft/contracts";
import type { EndpointState, MeshState, ServiceState } from "./mesh-state";
import { serviceKey, sortRoutes } from "./mesh-state";

export interface ClusterSpec {
  name: string;
  service: string;
  namespace: string;
  version: string | null;
  protocol: Protocol;
}

export interface EndpointSpec {
  address: string;
  port: number;
  weight: number;
  health: EndpointState["health"];
}

export type RouteAction =
  | { kind: "cluster"; cluster: string }
  | { kind: "weighted"; clusters: Array<{ name: string; weight: number }> };

export interface RouteSpec {
  name: string;
  match: RouteMatch;
  action: RouteAction;
}

export interface VirtualServiceSpec {
  key: string;
  name: string;
  namespace: string;
  port: number;
  protocol: Protocol;
  /** Authorities callers may use for this service. */
  domains: string[];
  routes: RouteSpec[];
}

export interface MeshSnapshot {
  revision: number;
  services: VirtualServiceSpec[];
  clusters: ClusterSpec[];
  endpoints: Map<string, EndpointSpec[]>;
}

export function domainsOf(s: { name: string; namespace: string; port: number }): string[] {
  const hosts = [s.name, `${s.name}.${s.namespace}`, `${s.name}.${s.namespace}.svc`];
  return hosts.flatMap((h) => [h, `${h}:${s.port}`]);
}

function actionOf(service: ServiceState, backends: Array<{ version: string; weight: number }>): RouteAction {
  const legs = backends.filter((b) => b.weight > 0);
  if (legs.length === 0) return { kind: "cluster", cluster: clusterName(service.name, service.namespace) };
  if (legs.length === 1) return { kind: "cluster", cluster: clusterName(service.name, service.namespace, legs[0]!.version) };
  return {
    kind: "weighted",
    clusters: legs.map((b) => ({ name: clusterName(service.name, service.namespace, b.version), weight: b.weight })),
  };
}

function routesOf(service: ServiceState): RouteSpec[] {
  if (service.routes.length === 0) {
    return [{ name: "default", match: { path: { type: "prefix", value: "/" }, headers: [] }, action: actionOf(service, []) }];
  }
  return sortRoutes(service.routes).map((r) => ({ name: r.name, match: r.match, action: actionOf(service, r.backends) }));
}

function endpointSpec(e: EndpointState): EndpointSpec {
  return { address: e.address, port: e.port, weight: e.weight, health: e.health };
}

export function buildSnapshot(state: MeshState): MeshSnapshot {
  const services: VirtualServiceSpec[] = [];
  const clusters: ClusterSpec[] = [];
  const endpoints = new Map<string, EndpointSpec[]>();
  const ordered = [...state.services].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)));
  for (const s of ordered) {
    if (s.protocol !== "tcp") {
      services.push({
        key: serviceKey(s),
        name: s.name,
        namespace: s.namespace,
        port: s.port,
        protocol: s.protocol,
        domains: domainsOf(s),
        routes: routesOf(s),
      });
    }
    const whole = clusterName(s.name, s.namespace);
    clusters.push({ name: whole, service: s.name, namespace: s.namespace, version: null, protocol: s.protocol });
    const sortedEndpoints = [...s.endpoints].sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
    endpoints.set(whole, sortedEndpoints.map(endpointSpec));
    for (const v of [...s.versions].sort((a, b) => a.name.localeCompare(b.name))) {
      const name = clusterName(s.name, s.namespace, v.name);
      clusters.push({ name, service: s.name, namespace: s.namespace, version: v.name, protocol: s.protocol });
      endpoints.set(name, sortedEndpoints.filter((e) => e.versionId === v.id).map(endpointSpec));
    }
  }
  return { revision: state.revision, services, clusters, endpoints };
}
