// The sidecar's typed runtime configuration: what discovery/ translates xDS into and what the
// listeners read. One immutable ConfigSnapshot is current at a time; a request captures it once at
// its start, so it sees one consistent config even if a new one is swapped in meanwhile.
import type { WorkloadIdentity } from "@weft/contracts";

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

/** Picks an endpoint for one request; implementations live in balance/. */
export interface Balancer {
  pick(): Endpoint | undefined;
}

/** A cluster as CDS defines it (endpoints not included). */
export interface ClusterConfig {
  readonly name: string;
  readonly kind: "eds" | "static";
  /** EDS resource name to subscribe to (service_name, defaulting to the cluster name). */
  readonly edsName: string;
  readonly connectTimeoutMs: number;
  readonly lbPolicy: "round_robin";
  /** Inline endpoints of a STATIC cluster. */
  readonly staticEndpoints: readonly Endpoint[];
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
}

export interface PathMatch {
  readonly kind: "prefix" | "exact";
  readonly value: string;
}

export interface HeaderMatcher {
  /** Lower-case header name. */
  readonly name: string;
  readonly kind: "exact" | "prefix" | "present";
  readonly value: string;
  readonly invert: boolean;
}

export interface WeightedCluster {
  readonly name: string;
  readonly weight: number;
}

export interface Route {
  readonly name: string;
  readonly path: PathMatch;
  readonly headers: readonly HeaderMatcher[];
  /** One entry for a plain `cluster` action; weights > 0. */
  readonly clusters: readonly WeightedCluster[];
  readonly totalWeight: number;
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
  /** Short, truncated list of known service names for "no such service" replies. */
  readonly knownHosts: string;
}

export interface ListenerConfig {
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** RDS name from the HttpConnectionManager. */
  readonly routeConfigName: string;
}

export interface ConfigSnapshot {
  /** Increments on every swap; 0 = nothing received yet. */
  readonly generation: number;
  readonly inbound: ListenerConfig | undefined;
  readonly outbound: ListenerConfig | undefined;
  readonly routes: ReadonlyMap<string, RouteTable>;
  readonly clusters: ReadonlyMap<string, Cluster>;
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
