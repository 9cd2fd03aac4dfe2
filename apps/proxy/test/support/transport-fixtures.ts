// xDS transport resources in the exact Envoy shapes the controller writes (docs/xds-support.md):
// TLS transport sockets with the "weft" certificate provider, transport_socket_matches on the EDS
// `weft.io/tls-mode: mtls` marker, HTTP/2 protocol options, STRICT / PERMISSIVE / TCP listeners.
import { jsonToStruct, TypeUrl } from "@weft/contracts/proto";
import type { AdsTestServer } from "@weft/test-kit";
import { inboundRoutes, routeConfig, serviceHost, type EndpointSpec, type MeshVersions, type RouteSpec } from "./xds-fixtures";

const provider = () => ({ instance_name: "weft" });
const ads = { ads: {}, resource_api_version: "V3" };

export function commonTls(san: Record<string, string> | undefined, alpn?: string[]): Record<string, unknown> {
  return {
    tls_certificate_provider_instance: provider(),
    validation_context: {
      ca_certificate_provider_instance: provider(),
      ...(san ? { match_typed_subject_alt_names: [{ san_type: "URI", matcher: san }] } : {}),
    },
    ...(alpn ? { alpn_protocols: alpn } : {}),
  };
}

export function upstreamTlsSocket(spiffeId: string, alpn: string[] | undefined = ["h2", "http/1.1"]): Record<string, unknown> {
  return { name: "envoy.transport_sockets.tls", typed_config: { "@type": TypeUrl.UpstreamTlsContext, common_tls_context: commonTls({ exact: spiffeId }, alpn) } };
}

export function downstreamTlsSocket(trustDomain = "weft.local", alpn: string[] | undefined = ["h2", "http/1.1"]): Record<string, unknown> {
  return {
    name: "envoy.transport_sockets.tls",
    typed_config: {
      "@type": TypeUrl.DownstreamTlsContext,
      common_tls_context: commonTls({ prefix: `spiffe://${trustDomain}/` }, alpn),
      require_client_certificate: { value: true },
    },
  };
}

/** TLS to endpoints EDS marks `weft.io/tls-mode: mtls`, plaintext to the rest. */
export function mtlsMatches(spiffeId: string, http = true): Array<Record<string, unknown>> {
  return [{ name: "mtls", match: jsonToStruct({ "weft.io/tls-mode": "mtls" }), transport_socket: upstreamTlsSocket(spiffeId, http ? ["h2", "http/1.1"] : undefined) }];
}

export function protocolOptions(kind: "h2" | "auto"): Record<string, unknown> {
  const options = kind === "h2" ? { explicit_http_config: { http2_protocol_options: {} } } : { auto_config: { http_protocol_options: {}, http2_protocol_options: {} } };
  return { "envoy.extensions.upstreams.http.v3.HttpProtocolOptions": { "@type": TypeUrl.HttpProtocolOptions, ...options } };
}

export function edsClusterWith(name: string, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    name,
    type: "EDS",
    eds_cluster_config: { eds_config: ads, service_name: name },
    connect_timeout: { seconds: 1 },
    ...extra,
  };
}

export interface MtlsEndpoint extends EndpointSpec {
  /** Marked `weft.io/tls-mode: mtls` (a sidecar's inbound listener). */
  mtls?: boolean;
}

export function assignmentWith(clusterName: string, list: MtlsEndpoint[]): Record<string, unknown> {
  return {
    cluster_name: clusterName,
    endpoints: [
      {
        load_balancing_weight: { value: 1 },
        lb_endpoints: list.map((e) => ({
          endpoint: { address: { socket_address: { address: e.address ?? "127.0.0.1", port_value: e.port } } },
          health_status: e.health ?? "HEALTHY",
          load_balancing_weight: { value: e.weight ?? 1 },
          ...(e.mtls ? { metadata: { filter_metadata: { "envoy.transport_socket_match": jsonToStruct({ "weft.io/tls-mode": "mtls" }) } } } : {}),
        })),
      },
    ],
  };
}

export function localAppCluster(port: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "weft.inbound|local",
    type: "STATIC",
    connect_timeout: { seconds: 1 },
    load_assignment: { cluster_name: "weft.inbound|local", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: port } } } }] }] },
    ...extra,
  };
}

const hcm = (route: string) => ({
  name: "envoy.filters.network.http_connection_manager",
  typed_config: { "@type": TypeUrl.HttpConnectionManager, stat_prefix: route, rds: { config_source: ads, route_config_name: route }, http_filters: [{ name: "envoy.filters.http.router", typed_config: { "@type": TypeUrl.Router } }] },
});
const tcpProxy = (cluster: string) => ({ name: "envoy.filters.network.tcp_proxy", typed_config: { "@type": TypeUrl.TcpProxy, stat_prefix: cluster, cluster } });

export type MtlsMode = "strict" | "permissive" | "off";

/** weft.inbound: HTTP (routes `weft.inbound`) or TCP (to the local app), STRICT / PERMISSIVE / plaintext. */
export function inboundListener(port: number, mode: MtlsMode, kind: "http" | "tcp" = "http"): Record<string, unknown> {
  const filters = [kind === "http" ? hcm("weft.inbound") : tcpProxy("weft.inbound|local")];
  const tls = downstreamTlsSocket("weft.local", kind === "http" ? ["h2", "http/1.1"] : undefined);
  const base = { name: "weft.inbound", address: { socket_address: { address: "127.0.0.1", port_value: port } } };
  if (mode === "off") return { ...base, filter_chains: [{ filters }] };
  if (mode === "strict") return { ...base, filter_chains: [{ name: "mtls", filters, transport_socket: tls }] };
  return {
    ...base,
    listener_filters: [{ name: "envoy.filters.listener.tls_inspector", typed_config: { "@type": TypeUrl.TlsInspector } }],
    filter_chains: [
      { name: "mtls", filter_chain_match: { transport_protocol: "tls" }, filters, transport_socket: tls },
      { name: "plaintext", filter_chain_match: { transport_protocol: "raw_buffer" }, filters },
    ],
  };
}

export function outboundListener(port: number): Record<string, unknown> {
  return { name: "weft.outbound", address: { socket_address: { address: "127.0.0.1", port_value: port } }, filter_chains: [{ filters: [hcm("weft.outbound")] }] };
}

export function tcpOutboundListener(service: string, namespace: string, port: number): Record<string, unknown> {
  return {
    name: `weft.outbound.tcp|${service}.${namespace}`,
    address: { socket_address: { address: "127.0.0.1", port_value: port } },
    filter_chains: [{ filters: [tcpProxy(`${service}.${namespace}`)] }],
  };
}

export interface SidecarSpec {
  inboundPort: number;
  outboundPort: number;
  appPort: number;
  mode: MtlsMode;
  /** The local app's protocol: "h2" for gRPC / HTTP/2 apps (h2c), "tcp" for opaque TCP. */
  app?: "http1" | "h2" | "tcp";
}

export interface MeshService {
  name: string;
  namespace?: string;
  port?: number;
  protocol?: "http" | "grpc" | "tcp";
  /** Endpoints (peer sidecars' inbound ports), all mTLS-marked unless `mtls: false`. */
  endpoints: MtlsEndpoint[];
  routes?: RouteSpec[];
}

/** Route timeout 0 (none) on every route: for tests that move the clock far while requests are in flight. */
function withoutRouteTimeouts(rc: Record<string, unknown>): Record<string, unknown> {
  const hosts = (rc.virtual_hosts as Array<{ routes?: Array<Record<string, any>> }>) ?? [];
  for (const h of hosts) for (const r of h.routes ?? []) r.route = { ...r.route, timeout: { seconds: 0 } };
  return rc;
}

/** Pushes one sidecar's full config: its listeners, local app cluster, and the mesh services (mTLS to sidecars). */
export function setTransportMesh(
  server: AdsTestServer,
  sidecar: SidecarSpec,
  services: MeshService[],
  options: { trustDomain?: string; noRouteTimeout?: boolean } = {},
): MeshVersions {
  const trustDomain = options.trustDomain ?? "weft.local";
  const app = sidecar.app ?? "http1";
  const clusters: Array<Record<string, unknown>> = [
    localAppCluster(sidecar.appPort, app === "h2" ? { typed_extension_protocol_options: protocolOptions("h2") } : {}),
  ];
  const assignments: Array<Record<string, unknown>> = [];
  const hosts: Array<Record<string, unknown>> = [];
  const listeners: Array<Record<string, unknown>> = [
    inboundListener(sidecar.inboundPort, sidecar.mode, app === "tcp" ? "tcp" : "http"),
    outboundListener(sidecar.outboundPort),
  ];
  for (const s of services) {
    const ns = s.namespace ?? "default";
    const name = `${s.name}.${ns}`;
    const protocol = s.protocol ?? "http";
    const spiffe = `spiffe://${trustDomain}/ns/${ns}/sa/${s.name}`;
    clusters.push(
      edsClusterWith(name, {
        transport_socket_matches: mtlsMatches(spiffe, protocol !== "tcp"),
        ...(protocol === "tcp" ? {} : { typed_extension_protocol_options: protocolOptions(protocol === "grpc" ? "h2" : "auto") }),
      }),
    );
    assignments.push(assignmentWith(name, s.endpoints.map((e) => ({ mtls: true, ...e }))));
    if (protocol === "tcp") listeners.push(tcpOutboundListener(s.name, ns, s.port ?? 5432));
    else hosts.push(serviceHost(s.name, ns, s.port ?? 9080, s.routes ?? [{ name: "default", prefix: "/", cluster: name }]));
  }
  return {
    cds: server.set(TypeUrl.Cluster, clusters),
    eds: assignments.length > 0 ? server.set(TypeUrl.ClusterLoadAssignment, assignments) : undefined,
    lds: server.set(TypeUrl.Listener, listeners),
    rds: server.set(
      TypeUrl.RouteConfiguration,
      [routeConfig("weft.outbound", hosts), inboundRoutes()].map((rc) => (options.noRouteTimeout ? withoutRouteTimeouts(rc) : rc)),
    ),
  };
}
