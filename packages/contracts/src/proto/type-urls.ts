// xDS v3 type URLs: the resource types of an ADS stream and the filter configs Weft understands.

const PREFIX = "type.googleapis.com/";

export const TypeName = {
  Listener: "envoy.config.listener.v3.Listener",
  RouteConfiguration: "envoy.config.route.v3.RouteConfiguration",
  Cluster: "envoy.config.cluster.v3.Cluster",
  ClusterLoadAssignment: "envoy.config.endpoint.v3.ClusterLoadAssignment",
  HttpConnectionManager: "envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager",
  Router: "envoy.extensions.filters.http.router.v3.Router",
  DiscoveryRequest: "envoy.service.discovery.v3.DiscoveryRequest",
  DiscoveryResponse: "envoy.service.discovery.v3.DiscoveryResponse",
  HTTPFault: "envoy.extensions.filters.http.fault.v3.HTTPFault",
  LocalRateLimit: "envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
  /** Wraps a per-route filter config to mark it optional for clients without the filter (gRPC). */
  FilterConfig: "envoy.config.route.v3.FilterConfig",
  TcpProxy: "envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy",
  TlsInspector: "envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector",
  UpstreamTlsContext: "envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
  DownstreamTlsContext: "envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
  HttpProtocolOptions: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
  TypedStruct: "xds.type.v3.TypedStruct",
  LeastRequest: "envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest",
  RoundRobin: "envoy.extensions.load_balancing_policies.round_robin.v3.RoundRobin",
} as const;

export const TypeUrl = {
  Listener: PREFIX + TypeName.Listener,
  RouteConfiguration: PREFIX + TypeName.RouteConfiguration,
  Cluster: PREFIX + TypeName.Cluster,
  ClusterLoadAssignment: PREFIX + TypeName.ClusterLoadAssignment,
  HttpConnectionManager: PREFIX + TypeName.HttpConnectionManager,
  Router: PREFIX + TypeName.Router,
  HTTPFault: PREFIX + TypeName.HTTPFault,
  LocalRateLimit: PREFIX + TypeName.LocalRateLimit,
  FilterConfig: PREFIX + TypeName.FilterConfig,
  TcpProxy: PREFIX + TypeName.TcpProxy,
  TlsInspector: PREFIX + TypeName.TlsInspector,
  UpstreamTlsContext: PREFIX + TypeName.UpstreamTlsContext,
  DownstreamTlsContext: PREFIX + TypeName.DownstreamTlsContext,
  HttpProtocolOptions: PREFIX + TypeName.HttpProtocolOptions,
  TypedStruct: PREFIX + TypeName.TypedStruct,
  LeastRequest: PREFIX + TypeName.LeastRequest,
  RoundRobin: PREFIX + TypeName.RoundRobin,
  /** Weft's peak-EWMA balancer, carried in a TypedStruct (`decay_ms`). */
  PeakEwma: "type.weft.io/weft.lb.v1.PeakEwma",
} as const;

/** Extension names Weft writes (Envoy's well-known names). */
export const ExtensionName = {
  HttpConnectionManager: "envoy.filters.network.http_connection_manager",
  TcpProxy: "envoy.filters.network.tcp_proxy",
  Router: "envoy.filters.http.router",
  Fault: "envoy.filters.http.fault",
  LocalRateLimit: "envoy.filters.http.local_ratelimit",
  TlsInspector: "envoy.filters.listener.tls_inspector",
  TlsTransportSocket: "envoy.transport_sockets.tls",
  HttpProtocolOptions: "envoy.extensions.upstreams.http.v3.HttpProtocolOptions",
  PeakEwma: "weft.lb.peak_ewma",
  LeastRequest: "envoy.load_balancing_policies.least_request",
  RoundRobin: "envoy.load_balancing_policies.round_robin",
} as const;

/** The four resource types served over ADS, in the order a client should apply them (CDS/EDS before LDS/RDS). */
export const RESOURCE_TYPE_URLS = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration] as const;
export type ResourceTypeUrl = (typeof RESOURCE_TYPE_URLS)[number];

export function typeNameOf(typeUrl: string): string {
  return typeUrl.slice(typeUrl.lastIndexOf("/") + 1);
}

/** Short label for logs and metrics: "CDS", "EDS", "LDS", "RDS". */
export function shortTypeName(typeUrl: string): string {
  switch (typeUrl) {
    case TypeUrl.Cluster:
      return "CDS";
    case TypeUrl.ClusterLoadAssignment:
      return "EDS";
    case TypeUrl.Listener:
      return "LDS";
    case TypeUrl.RouteConfiguration:
      return "RDS";
    default:
      return typeNameOf(typeUrl);
  }
}
