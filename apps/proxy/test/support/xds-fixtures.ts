// xDS resources as the controller sends them (docs/xds.md), as plain snake_case objects for
// @weft/test-kit's ADS server. Small builders so each test states only what it is about.
import { TypeUrl } from "@weft/contracts/proto";
import type { AdsTestServer } from "@weft/test-kit";

export interface EndpointSpec {
  address?: string;
  port: number;
  health?: "HEALTHY" | "UNHEALTHY" | "DRAINING" | "UNKNOWN";
  weight?: number;
}

export function edsCluster(name: string): Record<string, unknown> {
  return {
    name,
    type: "EDS",
    eds_cluster_config: { eds_config: { ads: {}, resource_api_version: "V3" }, service_name: name },
    connect_timeout: { seconds: 1 },
    lb_policy: "ROUND_ROBIN",
  };
}

function lbEndpoints(list: EndpointSpec[]) {
  return list.map((e) => ({
    endpoint: { address: { socket_address: { address: e.address ?? "127.0.0.1", port_value: e.port } } },
    health_status: e.health ?? "HEALTHY",
    load_balancing_weight: { value: e.weight ?? 1 },
  }));
}

export function staticCluster(name: string, list: EndpointSpec[]): Record<string, unknown> {
  return {
    name,
    type: "STATIC",
    connect_timeout: { seconds: 1 },
    load_assignment: { cluster_name: name, endpoints: [{ load_balancing_weight: { value: 1 }, lb_endpoints: lbEndpoints(list) }] },
  };
}

export function assignment(clusterName: string, list: EndpointSpec[]): Record<string, unknown> {
  return { cluster_name: clusterName, endpoints: [{ load_balancing_weight: { value: 1 }, lb_endpoints: lbEndpoints(list) }] };
}

export function listener(name: string, address: string, port: number, routeName = name): Record<string, unknown> {
  return {
    name,
    address: { socket_address: { address, port_value: port } },
    filter_chains: [
      {
        filters: [
          {
            name: "envoy.filters.network.http_connection_manager",
            typed_config: {
              "@type": TypeUrl.HttpConnectionManager,
              stat_prefix: name,
              rds: { config_source: { ads: {}, resource_api_version: "V3" }, route_config_name: routeName },
              http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": TypeUrl.Router } }],
            },
          },
        ],
      },
    ],
  };
}

export interface RouteSpec {
  name: string;
  prefix?: string;
  path?: string;
  headers?: Array<Record<string, unknown>>;
  cluster?: string;
  split?: Array<[cluster: string, weight: number]>;
}

export function route(r: RouteSpec): Record<string, unknown> {
  return {
    name: r.name,
    match: { ...(r.path !== undefined ? { path: r.path } : { prefix: r.prefix ?? "/" }), ...(r.headers ? { headers: r.headers } : {}) },
    route: r.split
      ? { weighted_clusters: { clusters: r.split.map(([name, weight]) => ({ name, weight: { value: weight } })) } }
      : { cluster: r.cluster },
  };
}

/** Virtual host of a service as the controller names it, with the docs' domain list. */
export function serviceHost(service: string, namespace: string, port: number, routes: RouteSpec[]): Record<string, unknown> {
  const domains = [service, `${service}.${namespace}`, `${service}.${namespace}.svc`].flatMap((d) => [d, `${d}:${port}`]);
  return { name: `${service}.${namespace}`, domains, routes: routes.map(route) };
}

export function routeConfig(name: string, virtualHosts: Array<Record<string, unknown>>): Record<string, unknown> {
  return { name, virtual_hosts: virtualHosts };
}

export function inboundRoutes(): Record<string, unknown> {
  return routeConfig("weft.inbound", [{ name: "inbound", domains: ["*"], routes: [route({ name: "local", prefix: "/", cluster: "weft.inbound|local" })] }]);
}

export interface MeshSpec {
  /** The sidecar under test: its bound ports and its app. */
  sidecar: { inboundPort: number; outboundPort: number; appPort: number };
  /** Services reachable through outbound, each with version clusters and endpoints. */
  services?: Array<{
    name: string;
    namespace?: string;
    port?: number;
    versions: Record<string, EndpointSpec[]>;
    routes?: RouteSpec[];
  }>;
}

export interface MeshVersions {
  cds: string;
  /** Undefined when the mesh has no EDS cluster (the sidecar then never subscribes to EDS). */
  eds: string | undefined;
  lds: string;
  rds: string;
}

/** Sets CDS, EDS, LDS and RDS on the server for a whole mesh; returns the versions set. */
export function setMesh(ads: AdsTestServer, spec: MeshSpec): MeshVersions {
  const clusters: Array<Record<string, unknown>> = [staticCluster("weft.inbound|local", [{ port: spec.sidecar.appPort }])];
  const assignments: Array<Record<string, unknown>> = [];
  const hosts: Array<Record<string, unknown>> = [];
  for (const s of spec.services ?? []) {
    const ns = s.namespace ?? "default";
    const all: EndpointSpec[] = [];
    for (const [version, eps] of Object.entries(s.versions)) {
      clusters.push(edsCluster(`${s.name}.${ns}|${version}`));
      assignments.push(assignment(`${s.name}.${ns}|${version}`, eps));
      all.push(...eps);
    }
    clusters.push(edsCluster(`${s.name}.${ns}`));
    assignments.push(assignment(`${s.name}.${ns}`, all));
    hosts.push(serviceHost(s.name, ns, s.port ?? 9080, s.routes ?? [{ name: "default", prefix: "/", cluster: `${s.name}.${ns}` }]));
  }
  return {
    cds: ads.set(TypeUrl.Cluster, clusters),
    eds: assignments.length > 0 ? ads.set(TypeUrl.ClusterLoadAssignment, assignments) : undefined,
    lds: ads.set(TypeUrl.Listener, [
      listener("weft.inbound", "127.0.0.1", spec.sidecar.inboundPort),
      listener("weft.outbound", "127.0.0.1", spec.sidecar.outboundPort),
    ]),
    rds: ads.set(TypeUrl.RouteConfiguration, [routeConfig("weft.outbound", hosts), inboundRoutes()]),
  };
}
