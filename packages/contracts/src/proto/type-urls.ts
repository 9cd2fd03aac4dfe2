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
} as const;

export const TypeUrl = {
  Listener: PREFIX + TypeName.Listener,
  RouteConfiguration: PREFIX + TypeName.RouteConfiguration,
  Cluster: PREFIX + TypeName.Cluster,
  ClusterLoadAssignment: PREFIX + TypeName.ClusterLoadAssignment,
  HttpConnectionManager: PREFIX + TypeName.HttpConnectionManager,
  Router: PREFIX + TypeName.Router,
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
