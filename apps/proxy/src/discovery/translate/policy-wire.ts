// Protobuf shapes (as @weft/contracts/proto decodes them) of the traffic-policy fields the sidecar
// reads: route matching and actions, HTTP filter configs, cluster balancing and resilience. Only
// the fields read or rejected. Never leaves discovery/. (wire.ts holds the base resource shapes.)
import type { Duration, TypedConfig, UInt32Value } from "./wire";

export interface StringMatcherWire {
  exact?: string;
  prefix?: string;
  suffix?: string;
  contains?: string;
  safe_regex?: RegexMatcherWire;
  ignore_case?: boolean;
}
export interface RegexMatcherWire {
  regex?: string;
  google_re2?: { max_program_size?: UInt32Value };
}
export interface HeaderMatcherPolicyWire {
  name?: string;
  string_match?: StringMatcherWire;
  present_match?: boolean;
  invert_match?: boolean;
  treat_missing_header_as_empty?: boolean;
  exact_match?: string;
  prefix_match?: string;
  suffix_match?: string;
  contains_match?: string;
  safe_regex_match?: RegexMatcherWire;
  range_match?: object;
}
export interface QueryParameterMatcherWire {
  name?: string;
  string_match?: StringMatcherWire;
  present_match?: boolean;
}
export interface FractionalPercentWire {
  numerator?: number;
  denominator?: string;
}
export interface RuntimeFractionalPercentWire {
  default_value?: FractionalPercentWire;
  runtime_key?: string;
}
export interface HeaderValueOptionWire {
  header?: { key?: string; value?: string; raw_value?: Uint8Array | string };
  append?: { value?: boolean };
  append_action?: string;
  keep_empty_value?: boolean;
}
export interface RetryPolicyWire {
  retry_on?: string;
  num_retries?: UInt32Value;
  per_try_timeout?: Duration;
  per_try_idle_timeout?: Duration;
  retry_priority?: object;
  retry_host_predicate?: unknown[];
  retry_options_predicates?: unknown[];
  host_selection_retry_max_attempts?: string | number;
  retriable_status_codes?: number[];
  retry_back_off?: { base_interval?: Duration; max_interval?: Duration };
  rate_limited_retry_back_off?: object;
  retriable_headers?: unknown[];
  retriable_request_headers?: HeaderMatcherPolicyWire[];
}
export interface HashPolicyWire {
  header?: { header_name?: string; regex_rewrite?: object };
  cookie?: { name?: string; ttl?: Duration; path?: string; attributes?: unknown[] };
  connection_properties?: object;
  query_parameter?: object;
  filter_state?: object;
  terminal?: boolean;
}
export interface MirrorPolicyWire {
  cluster?: string;
  cluster_header?: string;
  runtime_fraction?: RuntimeFractionalPercentWire;
  trace_sampled?: { value?: boolean };
  disable_shadow_host_suffix_append?: boolean;
}

/** envoy.extensions.filters.http.fault.v3.HTTPFault */
export interface HttpFaultWire extends TypedConfig {
  delay?: { fixed_delay?: Duration; header_delay?: object; percentage?: FractionalPercentWire };
  abort?: { http_status?: number; grpc_status?: number; header_abort?: object; percentage?: FractionalPercentWire };
  upstream_cluster?: string;
  headers?: HeaderMatcherPolicyWire[];
  downstream_nodes?: string[];
  max_active_faults?: UInt32Value;
  response_rate_limit?: object;
  delay_percent_runtime?: string;
  abort_percent_runtime?: string;
  disable_downstream_cluster_stats?: boolean;
  filter_metadata?: object;
}

/** envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit */
export interface LocalRateLimitWire extends TypedConfig {
  stat_prefix?: string;
  status?: { code?: string | number };
  token_bucket?: { max_tokens?: number; tokens_per_fill?: UInt32Value; fill_interval?: Duration };
  filter_enabled?: RuntimeFractionalPercentWire;
  filter_enforced?: RuntimeFractionalPercentWire;
  request_headers_to_add_when_not_enforced?: unknown[];
  response_headers_to_add?: HeaderValueOptionWire[];
  descriptors?: unknown[];
  stage?: number;
  local_rate_limit_per_downstream_connection?: boolean;
  enable_x_ratelimit_headers?: string;
  vh_rate_limits?: string;
  always_consume_default_token_bucket?: { value?: boolean };
  rate_limited_as_resource_exhausted?: boolean;
}

export interface RouteActionPolicyWire {
  timeout?: Duration;
  idle_timeout?: Duration;
  retry_policy?: RetryPolicyWire;
  request_mirror_policies?: MirrorPolicyWire[];
  hash_policy?: HashPolicyWire[];
  prefix_rewrite?: string;
  hedge_policy?: object;
  max_stream_duration?: object;
  rate_limits?: unknown[];
  priority?: string;
  include_vh_rate_limits?: { value?: boolean };
  cors?: object;
  max_grpc_timeout?: Duration;
  grpc_timeout_offset?: Duration;
  internal_redirect_policy?: object;
  upgrade_configs?: unknown[];
  early_data_policy?: object;
  cluster_not_found_response_code?: string;
}

export interface HeaderMutationWire {
  request_headers_to_add?: HeaderValueOptionWire[];
  request_headers_to_remove?: string[];
  response_headers_to_add?: HeaderValueOptionWire[];
  response_headers_to_remove?: string[];
}

// ---- CDS ----
export interface ThresholdsWire {
  priority?: string;
  max_connections?: UInt32Value;
  max_pending_requests?: UInt32Value;
  max_requests?: UInt32Value;
  max_retries?: UInt32Value;
  retry_budget?: { budget_percent?: { value?: number }; min_retry_concurrency?: UInt32Value };
  track_remaining?: boolean;
  max_connection_pools?: UInt32Value;
}
export interface OutlierDetectionWire {
  consecutive_5xx?: UInt32Value;
  interval?: Duration;
  base_ejection_time?: Duration;
  max_ejection_time?: Duration;
  max_ejection_percent?: UInt32Value;
  enforcing_consecutive_5xx?: UInt32Value;
  enforcing_success_rate?: UInt32Value;
  success_rate_minimum_hosts?: UInt32Value;
  consecutive_gateway_failure?: UInt32Value;
  enforcing_consecutive_gateway_failure?: UInt32Value;
  split_external_local_origin_errors?: boolean;
  consecutive_local_origin_failure?: UInt32Value;
  failure_percentage_threshold?: UInt32Value;
  enforcing_failure_percentage?: UInt32Value;
  max_ejection_time_jitter?: Duration;
  successful_active_health_check_uneject_host?: { value?: boolean };
  monitors?: unknown[];
}
export interface HealthCheckWire {
  timeout?: Duration;
  interval?: Duration;
  initial_jitter?: Duration;
  interval_jitter?: Duration;
  unhealthy_threshold?: UInt32Value;
  healthy_threshold?: UInt32Value;
  http_health_check?: {
    host?: string;
    path?: string;
    send?: object;
    receive?: unknown[];
    request_headers_to_add?: unknown[];
    request_headers_to_remove?: string[];
    expected_statuses?: Array<{ start?: string | number; end?: string | number }>;
    codec_client_type?: string;
    method?: string;
  };
  tcp_health_check?: object;
  grpc_health_check?: object;
  custom_health_check?: object;
}
export interface TypedExtensionWire {
  name?: string;
  typed_config?: TypedConfig;
}
export interface ClusterPolicyWire {
  name?: string;
  lb_policy?: string;
  least_request_lb_config?: { choice_count?: UInt32Value; active_request_bias?: object };
  ring_hash_lb_config?: { minimum_ring_size?: { value?: string | number }; maximum_ring_size?: { value?: string | number }; hash_function?: string };
  round_robin_lb_config?: object;
  maglev_lb_config?: object;
  load_balancing_policy?: { policies?: Array<{ typed_extension_config?: TypedExtensionWire }> };
  circuit_breakers?: { thresholds?: ThresholdsWire[]; per_host_thresholds?: ThresholdsWire[] };
  outlier_detection?: OutlierDetectionWire;
  health_checks?: HealthCheckWire[];
  common_lb_config?: object;
}
