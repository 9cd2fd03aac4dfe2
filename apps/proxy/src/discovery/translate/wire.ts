// The protobuf shapes of xDS resources as @weft/contracts/proto decodes them (snake_case; enums
// as names; 64-bit ints as strings; wrappers as {value}; Any expanded to {"@type", ...}; fields at
// their default value omitted). Only the fields the sidecar reads or rejects. Never leaves discovery/.

export interface NackDetail {
  /** Resource and field, e.g. `route "weft.outbound" virtual_host "reviews.default" route[2]`. */
  where: string;
  problem: string;
}

/** Thrown by translators: the response is rejected (NACK) with this reason. */
export class NackError extends Error {
  constructor(where: string, problem: string) {
    super(`${where}: ${problem}`);
    this.name = "NackError";
  }
}

export function nack(where: string, problem: string): never {
  throw new NackError(where, problem);
}

export const NOT_YET = "not supported yet";

export interface UInt32Value {
  value?: number;
}
export interface Duration {
  seconds?: string | number;
  nanos?: number;
}
export interface TypedConfig {
  "@type"?: string;
  [field: string]: unknown;
}
export interface ConfigSource {
  ads?: object;
  self?: object;
  path?: string;
  api_config_source?: object;
  path_config_source?: object;
}
export interface SocketAddress {
  address?: string;
  port_value?: number;
  named_port?: string;
  protocol?: string;
}
export interface Address {
  socket_address?: SocketAddress;
  pipe?: object;
  envoy_internal_address?: object;
}

// ---- CDS / EDS ----
export interface LbEndpoint {
  endpoint?: { address?: Address; hostname?: string };
  endpoint_name?: string;
  health_status?: string;
  load_balancing_weight?: UInt32Value;
}
export interface LocalityLbEndpoints {
  lb_endpoints?: LbEndpoint[];
  priority?: number;
  load_balancing_weight?: UInt32Value;
}
export interface ClusterLoadAssignment {
  cluster_name?: string;
  endpoints?: LocalityLbEndpoints[];
}
export interface Cluster {
  name?: string;
  type?: string;
  cluster_type?: object;
  eds_cluster_config?: { eds_config?: ConfigSource; service_name?: string };
  connect_timeout?: Duration;
  lb_policy?: string;
  load_assignment?: ClusterLoadAssignment;
  transport_socket?: object;
  transport_socket_matches?: unknown[];
}

// ---- LDS ----
export interface Filter {
  name?: string;
  typed_config?: TypedConfig;
}
export interface FilterChain {
  filter_chain_match?: object;
  filters?: Filter[];
  transport_socket?: object;
}
export interface Listener {
  name?: string;
  address?: Address;
  filter_chains?: FilterChain[];
  default_filter_chain?: FilterChain;
  listener_filters?: unknown[];
  api_listener?: object;
}
export interface HttpFilter {
  name?: string;
  typed_config?: TypedConfig;
  is_optional?: boolean;
}
export interface HttpConnectionManager {
  rds?: { config_source?: ConfigSource; route_config_name?: string };
  route_config?: object;
  scoped_routes?: object;
  http_filters?: HttpFilter[];
}

// ---- RDS ----
export interface StringMatcher {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  safe_regex?: object;
  ignore_case?: boolean;
}
export interface HeaderMatcherWire {
  name?: string;
  string_match?: StringMatcher;
  present_match?: boolean;
  exact_match?: string;
  prefix_match?: string;
  suffix_match?: string;
  contains_match?: string;
  safe_regex_match?: object;
  range_match?: object;
  invert_match?: boolean;
}
export interface RouteMatchWire {
  prefix?: string;
  path?: string;
  safe_regex?: object;
  connect_matcher?: object;
  path_separated_prefix?: string;
  path_match_policy?: object;
  case_sensitive?: { value?: boolean };
  headers?: HeaderMatcherWire[];
  query_parameters?: unknown[];
  runtime_fraction?: object;
  grpc?: object;
  dynamic_metadata?: unknown[];
}
export interface RouteActionWire {
  cluster?: string;
  cluster_header?: string;
  weighted_clusters?: { clusters?: Array<{ name?: string; weight?: UInt32Value }> };
  cluster_specifier_plugin?: string;
  inline_cluster_specifier_plugin?: object;
  prefix_rewrite?: string;
  regex_rewrite?: object;
  host_rewrite_literal?: string;
  host_rewrite_header?: string;
  host_rewrite_path_regex?: object;
  auto_host_rewrite?: { value?: boolean };
}
export interface RouteWire {
  name?: string;
  match?: RouteMatchWire;
  route?: RouteActionWire;
  redirect?: object;
  direct_response?: object;
  filter_action?: object;
  non_forwarding_action?: object;
}
export interface VirtualHostWire {
  name?: string;
  domains?: string[];
  routes?: RouteWire[];
}
export interface RouteConfiguration {
  name?: string;
  virtual_hosts?: VirtualHostWire[];
}

/** A wrapper (UInt32Value) as decoded, or a bare number from hand-written test objects. */
export function u32(v: UInt32Value | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "number") return v;
  return v.value ?? 0;
}

export function durationMs(d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  return Number(d.seconds ?? 0) * 1000 + Math.round((d.nanos ?? 0) / 1e6);
}

export function isAds(source: ConfigSource | undefined): boolean {
  return source !== undefined && (source.ads !== undefined || source.self !== undefined);
}

/** Keys of `obj` that are set and listed in `fields` (for "X not supported yet" checks). */
export function firstSet(obj: object, fields: readonly string[]): string | undefined {
  const rec = obj as Record<string, unknown>;
  for (const f of fields) {
    const v = rec[f];
    if (v === undefined || v === null || v === "" || v === false) continue;
    if (Array.isArray(v) && v.length === 0) continue;
    return f;
  }
  return undefined;
}
