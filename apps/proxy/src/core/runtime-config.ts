// The sidecar's typed runtime configuration: what discovery/ translates xDS into and what the
// listeners read. One immutable ConfigSnapshot is current at a time; a request captures it once at
// its start, so it sees one consistent config even if a new one is swapped in meanwhile.
import type { WorkloadIdentity } from "@weft/contracts";
import type {
  ClusterPolicy,
  HttpFilters,
  LbPolicy,
  QueryParameterMatcher,
  RegexMatcher,
  RequestHeaderMatcher,
  RoutePolicy,
} from "./traffic-policy";
import type { ClusterState } from "../balance/cluster-state";
import type { ClusterTransport, ListenerTransport, TransportLabels } from "./transport-config";
import type { HostSet } from "../balance/host";

export type EndpointHealth = "healthy" | "unhealthy" | "draining" | "unknown" | "timeout" | "degraded";

export interface Endpoint {
  readonly address: string;
  readonly port: number;
  /** load_balancing_weight, >= 1. */
  readonly weight: number;
  readonly health: EndpointHealth;
  /** `address:port`, the key of its upstream connection pool. */
  readonly key: string;
}

/** Picks an endpoint for one request; implementations live in balance/. The endpoint returned is
 *  the cluster's Host (an Endpoint with its load, latency and health state). */
export interface Balancer {
  /** `nowMs`: the injected clock's time (ejections, EWMA decay); `hash`: the request's hash (ring hash). */
  pick(nowMs?: number, hash?: number): Endpoint | undefined;
}

/** A cluster as CDS defines it (endpoints not included). */
export interface ClusterConfig {
  readonly name: string;
  readonly kind: "eds" | "static";
  /** EDS resource name to subscribe to (service_name, defaulting to the cluster name). */
  readonly edsName: string;
  readonly connectTimeoutMs: number;
  readonly lbPolicy: LbPolicy;
  /** Balancing, circuit breaking, retry budget, outlier detection, health checks. */
  readonly policy: ClusterPolicy;
  /** Inline endpoints of a STATIC cluster. */
  readonly staticEndpoints: readonly Endpoint[];
  /** TLS (per endpoint via transport_socket_matches) and HTTP protocol towards the endpoints. */
  readonly transport: ClusterTransport;
  /** Parsed from the name: `reviews.default|v2` -> version "v2"; `reviews.default` -> version "";
   *  undefined for the local app cluster. */
  readonly identity: WorkloadIdentity | undefined;
}

/** A cluster ready to serve: its config, its endpoints and a balancer over the healthy ones. */
export interface Cluster {
  readonly config: ClusterConfig;
  readonly endpoints: readonly Endpoint[];
  readonly healthyCount: number;
  readonly balancer: Balancer;
  /** Telemetry destination of the cluster; undefined for the local app cluster. */
  readonly destination: WorkloadIdentity | undefined;
  /** Per endpoint key, for whole-service clusters: the version learnt from the version clusters. */
  readonly destinationOf: ReadonlyMap<string, WorkloadIdentity>;
  /** The endpoints as hosts with their stats; the balancer picks among its available ones. */
  readonly hostSet: HostSet;
  /** Per-cluster runtime state (host stats, breakers, budget), kept across swaps by cluster name. */
  readonly state: ClusterState;
}

export interface PathMatch {
  readonly kind: "prefix" | "exact" | "regex";
  /** Lower-cased when ignoreCase (match.case_sensitive: false). */
  readonly value: string;
  readonly ignoreCase: boolean;
  readonly regex: RegexMatcher | undefined;
}

/** Lower-case header name (or pseudo-header `:method`, `:authority`, `:path`, `:scheme`) and how it matches. */
export type HeaderMatcher = RequestHeaderMatcher;

export interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
}

export interface Route {
  readonly name: string;
  readonly path: PathMatch;
  readonly headers: readonly HeaderMatcher[];
  readonly queryParameters: readonly QueryParameterMatcher[];
  /** One entry for a plain `cluster` action; weights > 0. */
  readonly clusters: readonly WeightedCluster[];
  readonly totalWeight: number;
  readonly policy: RoutePolicy;
}

export interface VirtualHost {
  readonly name: string;
  readonly domains: readonly string[];
  readonly routes: readonly Route[];
  /** Parsed from the name (`reviews.default`, version "") for telemetry; undefined for other names. */
  readonly identity: WorkloadIdentity | undefined;
}

export interface RouteTable {
  readonly name: string;
  readonly virtualHosts: readonly VirtualHost[];
  /** Lower-case domain (with or without port) -> virtual host. */
  readonly byDomain: ReadonlyMap<string, VirtualHost>;
  /** The virtual host with domain "*", if any. */
  readonly wildcard: VirtualHost | undefined;
  /** `*.example.com` / `*-api.example.com` domains, longest first (Envoy: before prefix wildcards). */
  readonly suffixWildcards: readonly { readonly suffix: string; readonly vhost: VirtualHost }[];
  /** `example.*` domains, longest first. */
  readonly prefixWildcards: readonly { readonly prefix: string; readonly vhost: VirtualHost }[];
  /** Short, truncated list of known service names for "no such service" replies. */
  readonly knownHosts: string;
}

export interface ListenerConfig {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** RDS name from the HttpConnectionManager. */
  readonly routeConfigName: string;
  /** The HCM's fault / local rate limit filters (absent: the listener translation predates them). */
  readonly httpFilters?: HttpFilters;
  /** Filter chains (TLS / plaintext, HTTP / TCP) and tls_inspector. */
  readonly transport: ListenerTransport;
}

export interface ConfigSnapshot {
  /** Increments on every swap; 0 = nothing received yet. */
  readonly generation: number;
  readonly inbound: ListenerConfig | undefined;
  readonly outbound: ListenerConfig | undefined;
  readonly routes: ReadonlyMap<string, RouteTable>;
  readonly clusters: ReadonlyMap<string, Cluster>;
  /** Outbound TCP listeners (`weft.outbound.tcp|<service>.<namespace>`) by name. */
  readonly tcpListeners?: ReadonlyMap<string, ListenerConfig>;
  /** Transport socket match labels of every endpoint (EDS and STATIC), by endpoint key. */
  readonly endpointLabels?: ReadonlyMap<string, TransportLabels>;
}

export const EMPTY_SNAPSHOT: ConfigSnapshot = {
  generation: 0,
  inbound: undefined,
  outbound: undefined,
  routes: new Map(),
  clusters: new Map(),
};

/** Holder of the current snapshot; discovery swaps it, listeners read it. */
export interface ConfigSource {
  readonly current: ConfigSnapshot;
}

export type Direction = "inbound" | "outbound";

export type { WorkloadIdentity };
