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
/** google.protobuf.Struct as decoded (fields of {string_value | stringValue | ...}). */
export interface StructWire {
  fields?: Record<string, unknown>;
}
export interface MetadataWire {
  filter_metadata?: Record<string, StructWire>;
}
export interface LbEndpoint {
  endpoint?: { address?: Address; hostname?: string; health_check_config?: { port_value?: number; address?: Address; hostname?: string } };
  endpoint_name?: string;
  health_status?: string;
  load_balancing_weight?: UInt32Value;
  metadata?: MetadataWire;
}
export interface LocalityLbEndpoints {
  lb_endpoints?: LbEndpoint[];
  priority?: number;
  load_balancing_weight?: UInt32Value;
  leds_cluster_locality_config?: object;
}
export interface ClusterLoadAssignment {
  cluster_name?: string;
  endpoints?: LocalityLbEndpoints[];
  policy?: { drop_overloads?: unknown[] };
}
export interface Cluster {
  name?: string;
  type?: string;
  cluster_type?: object;
  eds_cluster_config?: { eds_config?: ConfigSource; service_name?: string };
  connect_timeout?: Duration;
  lb_policy?: string;
  load_assignment?: ClusterLoadAssignment;
  transport_socket?: TransportSocketWire;
  transport_socket_matches?: TransportSocketMatchWire[];
  transport_socket_matcher?: object;
  typed_extension_protocol_options?: Record<string, TypedConfig>;
  /** Deprecated cluster-level protocol fields (Envoy v3 still reads them). */
  http2_protocol_options?: object;
  http_protocol_options?: object;
  common_http_protocol_options?: object;
  protocol_selection?: string;
  lb_subset_config?: { subset_selectors?: unknown[] };
  max_requests_per_connection?: UInt32Value;
  filters?: unknown[];
}

// ---- transport sockets and TLS ----
export interface TransportSocketWire {
  name?: string;
  typed_config?: TypedConfig;
}
export interface TransportSocketMatchWire {
  name?: string;
  match?: StructWire;
  transport_socket?: TransportSocketWire;
}
export interface CertificateProviderInstanceWire {
  instance_name?: string;
  certificate_name?: string;
}
export interface StringMatcherWire {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  safe_regex?: object;
  ignore_case?: boolean;
}
export interface SubjectAltNameMatcherWire {
  san_type?: string;
  matcher?: StringMatcherWire;
  oid?: string;
}
export interface CertificateValidationContextWire {
  trusted_ca?: object;
  ca_certificate_provider_instance?: CertificateProviderInstanceWire;
  system_root_certs?: object;
  watched_directory?: object;
  verify_certificate_spki?: string[];
  verify_certificate_hash?: string[];
  match_typed_subject_alt_names?: SubjectAltNameMatcherWire[];
  match_subject_alt_names?: StringMatcherWire[];
  require_signed_certificate_timestamp?: { value?: boolean };
  crl?: object;
  allow_expired_certificate?: boolean;
  trust_chain_verification?: string;
  custom_validator_config?: object;
  only_verify_leaf_cert_crl?: boolean;
  max_verify_depth?: UInt32Value;
}
export interface CommonTlsContextWire {
  tls_params?: object;
  tls_certificates?: unknown[];
  tls_certificate_sds_secret_configs?: unknown[];
  tls_certificate_provider_instance?: CertificateProviderInstanceWire;
  tls_certificate_certificate_provider?: object;
  tls_certificate_certificate_provider_instance?: object;
  validation_context?: CertificateValidationContextWire;
  validation_context_sds_secret_config?: object;
  combined_validation_context?: { default_validation_context?: CertificateValidationContextWire; validation_context_sds_secret_config?: object };
  validation_context_certificate_provider?: object;
  validation_context_certificate_provider_instance?: object;
  alpn_protocols?: string[];
  custom_handshaker?: object;
  key_log?: object;
}
export interface UpstreamTlsContextWire extends TypedConfig {
  common_tls_context?: CommonTlsContextWire;
  sni?: string;
  allow_renegotiation?: boolean;
  max_session_keys?: UInt32Value;
  enforce_rsa_key_usage?: { value?: boolean };
}
export interface DownstreamTlsContextWire extends TypedConfig {
  common_tls_context?: CommonTlsContextWire;
  require_client_certificate?: { value?: boolean };
  require_sni?: { value?: boolean };
  session_ticket_keys?: object;
  session_ticket_keys_sds_secret_config?: object;
  disable_stateless_session_resumption?: boolean;
  disable_stateful_session_resumption?: boolean;
  session_timeout?: Duration;
  ocsp_staple_policy?: string;
  full_scan_certs_on_sni_mismatch?: { value?: boolean };
}
export interface HttpProtocolOptionsWire extends TypedConfig {
  common_http_protocol_options?: object;
  upstream_http_protocol_options?: object;
  explicit_http_config?: { http_protocol_options?: object; http2_protocol_options?: object; http3_protocol_options?: object };
  use_downstream_protocol_config?: object;
  auto_config?: { http_protocol_options?: object; http2_protocol_options?: object; http3_protocol_options?: object; alternate_protocols_cache_options?: object };
  http_filters?: unknown[];
  header_validation_config?: object;
}
export interface TcpProxyWire extends TypedConfig {
  stat_prefix?: string;
  cluster?: string;
  weighted_clusters?: object;
  on_demand?: object;
  metadata_match?: object;
  idle_timeout?: Duration;
  downstream_idle_timeout?: Duration;
  upstream_idle_timeout?: Duration;
  access_log?: unknown[];
  max_connect_attempts?: UInt32Value;
  hash_policy?: unknown[];
  tunneling_config?: object;
  max_downstream_connection_duration?: Duration;
}

// ---- LDS ----
export interface Filter {
  name?: string;
  typed_config?: TypedConfig;
}
export interface FilterChainMatchWire {
  destination_port?: UInt32Value;
  prefix_ranges?: unknown[];
  address_suffix?: string;
  suffix_len?: UInt32Value;
  direct_source_prefix_ranges?: unknown[];
  source_type?: string;
  source_prefix_ranges?: unknown[];
  source_ports?: number[];
  server_names?: string[];
  transport_protocol?: string;
  application_protocols?: string[];
}
export interface FilterChain {
  name?: string;
  filter_chain_match?: FilterChainMatchWire;
  filters?: Filter[];
  transport_socket?: TransportSocketWire;
  transport_socket_connect_timeout?: Duration;
  use_proxy_proto?: { value?: boolean };
}
export interface ListenerFilterWire {
  name?: string;
  typed_config?: TypedConfig;
  filter_disabled?: object;
}
export interface Listener {
  name?: string;
  address?: Address;
  filter_chains?: FilterChain[];
  default_filter_chain?: FilterChain;
  listener_filters?: ListenerFilterWire[];
  listener_filters_timeout?: Duration;
  continue_on_listener_filters_timeout?: boolean;
  api_listener?: object;
  filter_chain_matcher?: object;
  use_original_dst?: { value?: boolean };
  bind_to_port?: { value?: boolean };
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
  normalize_path?: { value?: boolean };
  merge_slashes?: boolean;
  path_with_escaped_slashes_action?: string;
  request_timeout?: Duration;
  stream_idle_timeout?: Duration;
  max_request_headers_kb?: UInt32Value;
  forward_client_cert_details?: string;
}

// ---- RDS ----
export interface HeaderMatcherWire {
  name?: string;
  string_match?: StringMatcherWire;
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
  weighted_clusters?: { clusters?: Array<{ name?: string; weight?: UInt32Value }>; header_name?: string; total_weight?: UInt32Value };
  cluster_not_found_response_code?: string;
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
  validate_clusters?: { value?: boolean };
}

/** A wrapper (UInt32Value) as decoded, or a bare number from hand-written test objects. */
export function u32(v: UInt32Value | number | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (typeof v === "number") return v;
  return v.value ?? 0;
}

/**
 * A google.protobuf.Duration in ms; `where` and `field` name it in a NACK. Negative values and
 * nanos outside [0, 1e9) are refused, as Envoy refuses them ("Duration out-of-range"). Values past
 * what a timer can hold (~24.8 days) are kept: the clock caps timers there (core/clock.ts).
 */
export function durationMs(d: Duration | undefined, where: string, field: string): number | undefined {
  if (d === undefined) return undefined;
  const seconds = Number(d.seconds ?? 0);
  const nanos = d.nanos ?? 0;
  if (!Number.isFinite(seconds) || seconds < 0 || nanos < 0) nack(where, `${field} must not be negative`);
  if (nanos >= 1e9) nack(where, `${field}.nanos ${nanos} must be below 1000000000 (carry whole seconds in seconds)`);
  return seconds * 1000 + Math.round(nanos / 1e6);
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
