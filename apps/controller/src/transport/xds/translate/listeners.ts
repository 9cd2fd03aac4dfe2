// Listeners (LDS): a sidecar's inbound/outbound listeners and proxyless API listeners, each with an
// HttpConnectionManager that takes its routes from RDS over ADS and ends in the router filter.
import { TypeName, TypeUrl } from "@weft/contracts/proto";
import { socketAddress } from "./endpoints";

export const LISTENERS_TYPE = TypeName.Listener;

export function toHttpConnectionManager(routeConfigName: string, statPrefix: string): Record<string, unknown> {
  return {
    "@type": TypeUrl.HttpConnectionManager,
    stat_prefix: statPrefix,
    codec_type: "AUTO",
    rds: { route_config_name: routeConfigName, config_source: { ads: {}, resource_api_version: "V3" } },
    http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": TypeUrl.Router } }],
  };
}

export function toSidecarListener(
  name: string,
  address: { address: string; port: number },
  direction: "INBOUND" | "OUTBOUND",
  routeConfigName: string,
): Record<string, unknown> {
  return {
    name,
    address: socketAddress(address.address, address.port),
    traffic_direction: direction,
    filter_chains: [
      {
        filters: [{ name: "envoy.filters.network.http_connection_manager", typed_config: toHttpConnectionManager(routeConfigName, name) }],
      },
    ],
  };
}

/** What proxyless gRPC (and Envoy's API listener) asks for when dialling xds:///<name>. */
export function toApiListener(name: string, routeConfigName: string): Record<string, unknown> {
  return { name, api_listener: { api_listener: toHttpConnectionManager(routeConfigName, name) } };
}
