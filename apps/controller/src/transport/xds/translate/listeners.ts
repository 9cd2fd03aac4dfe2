// Listeners (LDS): a sidecar's inbound listener (mTLS termination, STRICT or PERMISSIVE; HTTP or
// opaque TCP to the local app), its outbound HTTP listener, one outbound TCP listener per TCP
// service, and the API listeners proxyless gRPC clients dial. HTTP listeners take their routes from
// RDS over ADS; their filters are fault, local rate limit, then the router.
import type { MtlsMode } from "../../../domain/effective-policy";
import { ExtensionName, TypeName, TypeUrl } from "@weft/contracts/proto";
import { socketAddress } from "./endpoints";
import { RATE_LIMIT_STAT_PREFIX, type Flavor } from "./route-policy";
import { toDownstreamTls } from "./transport-sockets";

export const LISTENERS_TYPE = TypeName.Listener;

const router = () => ({ name: ExtensionName.Router, typed_config: { "@type": TypeUrl.Router } });

/**
 * HTTP filters of an HCM whose routes may carry policies. Order: the fault filter first, so an
 * injected abort or delay behaves like the upstream failing (it is not counted by the rate limit);
 * the rate limit next, guarding the upstream; the router last. The filters do nothing unless a
 * route configures them (typed_per_filter_config). gRPC clients lack the rate limit: optional there.
 */
export function toHttpFilters(flavor: Flavor, withPolicies: boolean): Array<Record<string, unknown>> {
  if (!withPolicies) return [router()];
  return [
    { name: ExtensionName.Fault, typed_config: { "@type": TypeUrl.HTTPFault } },
    {
      name: ExtensionName.LocalRateLimit,
      typed_config: { "@type": TypeUrl.LocalRateLimit, stat_prefix: RATE_LIMIT_STAT_PREFIX },
      ...(flavor === "generic" ? { is_optional: true } : {}),
    },
    router(),
  ];
}

export function toHttpConnectionManager(
  routeConfigName: string,
  statPrefix: string,
  opts: { flavor?: Flavor; withPolicies?: boolean } = {},
): Record<string, unknown> {
  return {
    "@type": TypeUrl.HttpConnectionManager,
    stat_prefix: statPrefix,
    codec_type: "AUTO",
    rds: { route_config_name: routeConfigName, config_source: { ads: {}, resource_api_version: "V3" } },
    http_filters: toHttpFilters(opts.flavor ?? "sidecar", opts.withPolicies ?? true),
  };
}

const hcmFilter = (hcm: Record<string, unknown>) => ({ name: ExtensionName.HttpConnectionManager, typed_config: hcm });
const tcpProxyFilter = (statPrefix: string, cluster: string) => ({
  name: ExtensionName.TcpProxy,
  typed_config: { "@type": TypeUrl.TcpProxy, stat_prefix: statPrefix, cluster },
});

/** The sidecar's outbound HTTP listener (loopback): the local app's way to HTTP and gRPC services. */
export function toOutboundListener(name: string, address: { address: string; port: number }, routeConfigName: string): Record<string, unknown> {
  return {
    name,
    address: socketAddress(address.address, address.port),
    traffic_direction: "OUTBOUND",
    filter_chains: [{ filters: [hcmFilter(toHttpConnectionManager(routeConfigName, name))] }],
  };
}

/** One TCP service's outbound listener on a sidecar: 127.0.0.1:<service port> -> the service cluster. */
export function toTcpOutboundListener(name: string, port: number, cluster: string): Record<string, unknown> {
  return {
    name,
    address: socketAddress("127.0.0.1", port),
    traffic_direction: "OUTBOUND",
    filter_chains: [{ filters: [tcpProxyFilter(name, cluster)] }],
  };
}

export interface InboundListenerParams {
  name: string;
  address: { address: string; port: number };
  /** HTTP/gRPC: an HCM with `routeConfigName`; tcp: tcp_proxy to `localCluster`. */
  protocol: "http" | "grpc" | "tcp";
  routeConfigName: string;
  localCluster: string;
  mtlsMode: MtlsMode;
  trustDomain: string;
}

/**
 * The sidecar's inbound listener. STRICT: one chain that terminates mTLS and requires a client
 * certificate of the trust domain. PERMISSIVE: tls_inspector tells TLS from plaintext, and a chain
 * per `transport_protocol` ("tls" with mTLS, "raw_buffer" without).
 */
export function toInboundListener(p: InboundListenerParams): Record<string, unknown> {
  const http = p.protocol !== "tcp";
  const filters = [http ? hcmFilter(toHttpConnectionManager(p.routeConfigName, p.name, { withPolicies: false })) : tcpProxyFilter(p.name, p.localCluster)];
  const tls = toDownstreamTls(p.trustDomain, http);
  const base = { name: p.name, address: socketAddress(p.address.address, p.address.port), traffic_direction: "INBOUND" };
  if (p.mtlsMode === "strict") return { ...base, filter_chains: [{ name: "mtls", filters, transport_socket: tls }] };
  return {
    ...base,
    listener_filters: [{ name: ExtensionName.TlsInspector, typed_config: { "@type": TypeUrl.TlsInspector } }],
    filter_chains: [
      { name: "mtls", filter_chain_match: { transport_protocol: "tls" }, filters, transport_socket: tls },
      { name: "plaintext", filter_chain_match: { transport_protocol: "raw_buffer" }, filters },
    ],
  };
}

/** What proxyless gRPC (and Envoy's API listener) asks for when dialling xds:///<name>. */
export function toApiListener(name: string, routeConfigName: string): Record<string, unknown> {
  return { name, api_listener: { api_listener: toHttpConnectionManager(routeConfigName, name, { flavor: "generic" }) } };
}
