// Builds the data-plane view of the mesh from its desired state: virtual services with resolved
// route actions and policies, clusters (one per service and one per version) with their effective
// policy, their endpoints, and the TCP services every sidecar listens for. Pure and
// protocol-neutral; transport/xds translates it to Envoy resources.
import { clusterName, isCatchAllMatch, type Protocol, type RouteMatch, type RoutePolicy } from "@weft/contracts";
import { clusterPolicyOf, hashOnOf, mtlsModeOf, type ClusterPolicy, type HashOn, type MtlsMode } from "./effective-policy";
import type { EndpointState, MeshState, ServiceState } from "./mesh-state";
import { serviceKey, sortRoutes } from "./mesh-state";

export interface ClusterSpec {
  name: string;
  service: string;
  namespace: string;
  version: string | null;
  protocol: Protocol;
  policy: ClusterPolicy;
}

export interface EndpointSpec {
  address: string;
  port: number;
  weight: number;
  health: EndpointState["health"];
  /** Registered by a sidecar: the endpoint is its inbound listener and speaks mTLS. */
  mtls: boolean;
}

export type RouteAction =
  | { kind: "cluster"; cluster: string }
  | { kind: "weighted"; clusters: Array<{ name: string; weight: number }> };

export interface RouteSpec {
  name: string;
  match: RouteMatch;
  action: RouteAction;
  policy: RoutePolicy;
  /** Cluster of `policy.mirror.version`. */
  mirrorCluster?: string;
  /** Set when the service balances with ring-hash. */
  hashOn?: HashOn;
}

export interface VirtualServiceSpec {
  key: string;
  name: string;
  namespace: string;
  port: number;
  protocol: Protocol;
  /** Authorities callers may use for this service. */
  /** Namespace-qualified authorities (`reviews.default`, `reviews.default.svc`, with and without port): unique mesh-wide. */
  domains: string[];
  /** The bare name (`reviews`, `reviews:9080`): resolves only for callers in the same namespace, as in Kubernetes DNS. */
  shortDomains: string[];
  routes: RouteSpec[];
}

/** A TCP service: every sidecar (but its own) listens on 127.0.0.1:<port> and proxies to `cluster`. */
export interface TcpServiceSpec {
  key: string;
  name: string;
  namespace: string;
  port: number;
  cluster: string;
}

/** What a sidecar of a service needs about its own service (inbound side). */
export interface ServiceProfile {
  protocol: Protocol;
  mtlsMode: MtlsMode;
}

export interface MeshSnapshot {
  revision: number;
  services: VirtualServiceSpec[];
  clusters: ClusterSpec[];
  endpoints: Map<string, EndpointSpec[]>;
  tcpServices: TcpServiceSpec[];
  /** By service key (`reviews.default`). */
  profiles: Map<string, ServiceProfile>;
}

/**
 * Authorities callers may use for a service. Qualified names are unique across the mesh; the bare
 * name is not (two namespaces may each have a "reviews"), so it is only offered to callers in the
 * service's own namespace.
 */
export function domainsOf(s: { name: string; namespace: string; port: number }): { qualified: string[]; short: string[] } {
  const withPort = (h: string) => [h, `${h}:${s.port}`];
  return { qualified: [`${s.name}.${s.namespace}`, `${s.name}.${s.namespace}.svc`].flatMap(withPort), short: withPort(s.name) };
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

function routeSpec(service: ServiceState, name: string, match: RouteMatch, backends: ServiceState["routes"][number]["backends"], policy: RoutePolicy): RouteSpec {
  const hashOn = hashOnOf(service.policy);
  return {
    name,
    match,
    action: actionOf(service, backends),
    policy,
    ...(policy.mirror ? { mirrorCluster: clusterName(service.name, service.namespace, policy.mirror.version) } : {}),
    ...(hashOn ? { hashOn } : {}),
  };
}

/**
 * The service's routes in order, then — unless one of them already matches everything — an
 * implicit catch-all to every version: adding a route for /gift-cards must not make /books a 404.
 */
function routesOf(service: ServiceState): RouteSpec[] {
  const explicit = sortRoutes(service.routes).map((r) => routeSpec(service, r.name, r.match, r.backends, r.policy));
  if (service.routes.some((r) => isCatchAllMatch(r.match))) return explicit;
  const name = service.routes.some((r) => r.name === "default") ? "implicit-default" : "default";
  return [...explicit, routeSpec(service, name, { path: { type: "prefix", value: "/" }, headers: [] }, [], {})];
}

function endpointSpec(e: EndpointState): EndpointSpec {
  return { address: e.address, port: e.port, weight: e.weight, health: e.health, mtls: e.source === "sidecar" };
}

export function buildSnapshot(state: MeshState): MeshSnapshot {
  const services: VirtualServiceSpec[] = [];
  const clusters: ClusterSpec[] = [];
  const endpoints = new Map<string, EndpointSpec[]>();
  const tcpServices: TcpServiceSpec[] = [];
  const profiles = new Map<string, ServiceProfile>();
  const ordered = [...state.services].sort((a, b) => serviceKey(a).localeCompare(serviceKey(b)));
  for (const s of ordered) {
    const policy = clusterPolicyOf(s.protocol, s.policy);
    profiles.set(serviceKey(s), { protocol: s.protocol, mtlsMode: mtlsModeOf(s.policy) });
    if (s.protocol === "tcp") {
      tcpServices.push({ key: serviceKey(s), name: s.name, namespace: s.namespace, port: s.port, cluster: clusterName(s.name, s.namespace) });
    } else {
      services.push({
        key: serviceKey(s),
        name: s.name,
        namespace: s.namespace,
        port: s.port,
        protocol: s.protocol,
        domains: domainsOf(s).qualified,
        shortDomains: domainsOf(s).short,
        routes: routesOf(s),
      });
    }
    const whole = clusterName(s.name, s.namespace);
    clusters.push({ name: whole, service: s.name, namespace: s.namespace, version: null, protocol: s.protocol, policy });
    const sortedEndpoints = [...s.endpoints].sort((a, b) => a.address.localeCompare(b.address) || a.port - b.port);
    endpoints.set(whole, sortedEndpoints.map(endpointSpec));
    for (const v of [...s.versions].sort((a, b) => a.name.localeCompare(b.name))) {
      const name = clusterName(s.name, s.namespace, v.name);
      clusters.push({ name, service: s.name, namespace: s.namespace, version: v.name, protocol: s.protocol, policy });
      endpoints.set(name, sortedEndpoints.filter((e) => e.versionId === v.id).map(endpointSpec));
    }
  }
  return { revision: state.revision, services, clusters, endpoints, tcpServices, profiles };
}
