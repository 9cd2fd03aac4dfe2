// LDS: the sidecar's listeners -> ListenerConfig. `weft.inbound` / `weft.outbound` are bound by the
// sidecar at start and never rebound, so an address other than the bound one is NACKed; outbound TCP
// listeners (`weft.outbound.tcp|<service>.<namespace>`) are bound on 127.0.0.1 as they come and go.
// A listener has one filter chain, or two told apart by `filter_chain_match.transport_protocol`
// ("tls" / "raw_buffer", with the tls_inspector listener filter: PERMISSIVE). A chain is TLS
// (DownstreamTlsContext, "weft" certificate provider) or plaintext, and ends in one network filter:
// the HttpConnectionManager (RDS) or tcp_proxy (one cluster).
import { SidecarResourceNames } from "@weft/contracts";
import { TypeUrl } from "@weft/contracts/proto";
import type { ListenerConfig } from "../../core/runtime-config";
import type { DownstreamTls, FilterChain, ListenerTransport } from "../../core/transport-config";
import type { HttpFilters } from "../../core/traffic-policy";
import { toHttpFilters } from "./http-filters";
import { toCommonTls } from "./tls-context";
import { RAW_BUFFER_TRANSPORT_SOCKET, TLS_TRANSPORT_SOCKET } from "./cluster-transport";
import {
  durationMs,
  firstSet,
  isAds,
  nack,
  NOT_YET,
  u32,
  type DownstreamTlsContextWire,
  type Duration,
  type FilterChain as FilterChainWire,
  type HttpConnectionManager,
  type Listener,
  type TcpProxyWire,
  type TransportSocketWire,
} from "./wire";

export interface BoundAddresses {
  inbound: { address: string; port: number };
  outbound: { address: string; port: number };
}

export interface ListenerConfigs {
  /** `weft.inbound` and `weft.outbound`, when present. */
  main: Map<string, ListenerConfig>;
  /** Outbound TCP listeners by name. */
  tcp: Map<string, ListenerConfig>;
}

export const TCP_OUTBOUND_PREFIX = "weft.outbound.tcp|";
const HCM_NAME = "envoy.filters.network.http_connection_manager";
const TCP_PROXY_NAME = "envoy.filters.network.tcp_proxy";
const TLS_INSPECTOR_NAME = "envoy.filters.listener.tls_inspector";
const RAW_BUFFER_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";
/** ALPN a TLS HTTP chain offers when the config names none. */
const DEFAULT_HTTP_ALPN = ["h2", "http/1.1"] as const;

function toDownstreamTls(ts: TransportSocketWire | undefined, where: string, http: boolean): DownstreamTls | undefined {
  if (ts === undefined) return undefined;
  const type = ts.typed_config?.["@type"] ?? (ts.typed_config?.type_url as string | undefined);
  if (type === RAW_BUFFER_TYPE || (type === undefined && ts.name === RAW_BUFFER_TRANSPORT_SOCKET)) return undefined;
  if (type !== TypeUrl.DownstreamTlsContext) {
    nack(where, `transport socket ${ts.name ?? type ?? "(unnamed)"} ${NOT_YET} (${TLS_TRANSPORT_SOCKET} with DownstreamTlsContext, or raw_buffer)`);
  }
  const d = ts.typed_config as DownstreamTlsContextWire;
  const at = `${where} DownstreamTlsContext`;
  const other = firstSet(d, ["session_ticket_keys", "session_ticket_keys_sds_secret_config", "session_timeout", "disable_stateless_session_resumption"]);
  if (other) nack(at, `${other} ${NOT_YET}`);
  if (d.require_sni?.value) nack(at, `require_sni ${NOT_YET}`);
  if (d.ocsp_staple_policy && d.ocsp_staple_policy !== "LENIENT_STAPLING") nack(at, `ocsp_staple_policy ${d.ocsp_staple_policy} ${NOT_YET}`);
  const requireClientCertificate = d.require_client_certificate?.value === true;
  const common = toCommonTls(d.common_tls_context, at, requireClientCertificate);
  const alpn = common.alpn.length > 0 ? common.alpn : http ? DEFAULT_HTTP_ALPN : [];
  return { requireClientCertificate, alpn, san: common.san };
}

interface ChainResult {
  chain: FilterChain;
  httpFilters: HttpFilters | undefined;
}

/** HttpConnectionManager fields that change what Envoy does with a request, not honoured yet (a NACK, not a silent difference). */
function checkHcm(hcm: HttpConnectionManager, at: string): void {
  const set = (d: Duration | undefined, field: string) => (durationMs(d, at, field) ?? 0) > 0;
  if (hcm.normalize_path?.value === true) nack(at, `normalize_path ${NOT_YET} (routes match the path as sent)`);
  if (hcm.merge_slashes === true) nack(at, `merge_slashes ${NOT_YET} (routes match the path as sent)`);
  const escaped = hcm.path_with_escaped_slashes_action;
  if (escaped !== undefined && escaped !== "IMPLEMENTATION_SPECIFIC_DEFAULT" && escaped !== "KEEP_UNCHANGED") nack(at, `path_with_escaped_slashes_action ${escaped} ${NOT_YET} (KEEP_UNCHANGED)`);
  if (set(hcm.request_timeout, "request_timeout")) nack(at, `request_timeout ${NOT_YET}; use the route's timeout`);
  if (set(hcm.stream_idle_timeout, "stream_idle_timeout")) nack(at, `stream_idle_timeout ${NOT_YET}; use the route's timeout`);
  if (hcm.max_request_headers_kb !== undefined) nack(at, `max_request_headers_kb ${NOT_YET} (16 KiB for HTTP/1.1, 256 KiB for HTTP/2)`);
  const fcc = hcm.forward_client_cert_details;
  if (fcc !== undefined && fcc !== "SANITIZE") nack(at, `forward_client_cert_details ${fcc} ${NOT_YET} (SANITIZE: the peer identity travels as x-weft-source)`);
}

function toFilterChain(fc: FilterChainWire, where: string): ChainResult {
  if (fc.use_proxy_proto?.value === true) nack(where, `use_proxy_proto ${NOT_YET}`);
  const m = fc.filter_chain_match ?? {};
  const unsupported = firstSet(m, [
    "destination_port", "prefix_ranges", "address_suffix", "suffix_len", "direct_source_prefix_ranges", "source_prefix_ranges",
    "source_ports", "server_names", "application_protocols",
  ]);
  if (unsupported) nack(where, `filter_chain_match.${unsupported} ${NOT_YET} (only transport_protocol)`);
  if (m.source_type && m.source_type !== "ANY") nack(where, `filter_chain_match.source_type ${m.source_type} ${NOT_YET}`);
  const tp = m.transport_protocol || undefined;
  if (tp !== undefined && tp !== "tls" && tp !== "raw_buffer") nack(where, `filter_chain_match.transport_protocol "${tp}" ${NOT_YET} ("tls" or "raw_buffer")`);
  const filters = fc.filters ?? [];
  if (filters.length !== 1) nack(where, `needs exactly one network filter, ${HCM_NAME} or ${TCP_PROXY_NAME} (got ${filters.length})`);
  const filter = filters[0]!;
  const at = `${where}.filters[0]`;
  const type = filter.typed_config?.["@type"];
  const http = type === TypeUrl.HttpConnectionManager;
  if (!http && type !== TypeUrl.TcpProxy) {
    nack(at, `network filter ${filter.name ?? type ?? String(filter.typed_config?.type_url ?? "(unnamed)")} ${NOT_YET} (${HCM_NAME} or ${TCP_PROXY_NAME})`);
  }
  const tls = toDownstreamTls(fc.transport_socket, `${where} transport_socket`, http);
  if (tp === "tls" && tls === undefined) nack(where, 'filter_chain_match.transport_protocol "tls" needs a TLS transport_socket');
  if (tp === "raw_buffer" && tls !== undefined) nack(where, 'filter_chain_match.transport_protocol "raw_buffer" cannot have a TLS transport_socket');
  if (http) {
    const hcm = filter.typed_config as HttpConnectionManager;
    if (hcm.route_config) nack(at, `inline route_config ${NOT_YET}; use rds`);
    if (hcm.scoped_routes) nack(at, `scoped_routes ${NOT_YET}; use rds`);
    checkHcm(hcm, at);
    const rds = hcm.rds;
    if (!rds?.route_config_name) nack(at, "rds.route_config_name is empty");
    if (!isAds(rds.config_source)) nack(at, "rds.config_source must be { ads: {} } (RDS over this ADS stream)");
    const httpFilters = toHttpFilters(hcm.http_filters ?? [], at);
    return { chain: { transportProtocol: tp, tls, kind: "http", routeConfigName: rds.route_config_name, tcpCluster: "" }, httpFilters };
  }
  const tcp = filter.typed_config as TcpProxyWire;
  if ((u32(tcp.max_connect_attempts) ?? 1) > 1) nack(at, `tcp_proxy max_connect_attempts ${NOT_YET} (one attempt)`);
  const other = firstSet(tcp, [
    "weighted_clusters", "on_demand", "metadata_match", "idle_timeout", "downstream_idle_timeout", "upstream_idle_timeout", "hash_policy",
    "tunneling_config", "max_downstream_connection_duration",
  ]);
  if (other) nack(at, `tcp_proxy ${other} ${NOT_YET}`);
  if (!tcp.cluster) nack(at, "tcp_proxy.cluster is empty");
  return { chain: { transportProtocol: tp, tls, kind: "tcp", routeConfigName: "", tcpCluster: tcp.cluster }, httpFilters: undefined };
}

function toTransport(l: Listener, where: string): { transport: ListenerTransport; routeConfigName: string; httpFilters: HttpFilters | undefined } {
  if (l.default_filter_chain) nack(`${where} default_filter_chain`, NOT_YET);
  if (l.bind_to_port?.value === false) nack(where, `bind_to_port false ${NOT_YET} (every listener is bound)`);
  if (l.filter_chain_matcher) nack(where, `filter_chain_matcher ${NOT_YET}; use filter_chains[].filter_chain_match.transport_protocol`);
  let tlsInspector = false;
  (l.listener_filters ?? []).forEach((f, i) => {
    const type = f.typed_config?.["@type"];
    if (type !== TypeUrl.TlsInspector && !(type === undefined && f.name === TLS_INSPECTOR_NAME)) {
      nack(`${where} listener_filters[${i}]`, `listener filter ${f.name ?? type ?? "(unnamed)"} ${NOT_YET} (only ${TLS_INSPECTOR_NAME})`);
    }
    if (f.filter_disabled) nack(`${where} listener_filters[${i}]`, `filter_disabled ${NOT_YET}`);
    tlsInspector = true;
  });
  const wires = l.filter_chains ?? [];
  if (wires.length < 1 || wires.length > 2) nack(where, `needs one filter chain, or two matched on transport_protocol "tls" / "raw_buffer" (got ${wires.length})`);
  const results = wires.map((fc, i) => toFilterChain(fc, `${where} filter_chains[${i}]`));
  const chains = results.map((r) => r.chain);
  if (chains.length === 2) {
    const protocols = chains.map((c) => c.transportProtocol).sort();
    if (protocols[0] !== "raw_buffer" || protocols[1] !== "tls") {
      nack(where, 'two filter chains must match transport_protocol "tls" and "raw_buffer" (PERMISSIVE)');
    }
    if (!tlsInspector) nack(where, `two filter chains need the ${TLS_INSPECTOR_NAME} listener filter to tell TLS from plaintext`);
    if (chains[0]!.kind !== chains[1]!.kind) nack(where, "both filter chains must use the same network filter");
    if (chains[0]!.kind === "http" && chains[0]!.routeConfigName !== chains[1]!.routeConfigName) {
      nack(where, "both filter chains must use the same rds.route_config_name");
    }
    if (chains[0]!.kind === "tcp" && chains[0]!.tcpCluster !== chains[1]!.tcpCluster) nack(where, "both filter chains must use the same tcp_proxy.cluster");
  } else if (chains[0]!.transportProtocol !== undefined && !tlsInspector) {
    nack(`${where} filter_chains[0]`, `filter_chain_match.transport_protocol needs the ${TLS_INSPECTOR_NAME} listener filter`);
  }
  const first = results.find((r) => r.chain.tls !== undefined) ?? results[0]!;
  return { transport: { chains, tlsInspector }, routeConfigName: first.chain.routeConfigName, httpFilters: first.httpFilters };
}

function checkAddress(l: Listener, where: string, bound: { address: string; port: number }): void {
  const sa = l.address?.socket_address;
  if (sa === undefined) nack(where, "address must be a socket_address");
  if (sa.address !== bound.address || (sa.port_value ?? 0) !== bound.port) {
    nack(
      where,
      `address ${sa.address}:${sa.port_value ?? 0} differs from the address this sidecar is bound to (${bound.address}:${bound.port}); ` +
        "the sidecar binds from its own configuration and never rebinds",
    );
  }
}

function toMainListener(l: Listener, bound: { address: string; port: number }): ListenerConfig {
  const name = l.name!;
  const where = `listener "${name}"`;
  if (l.api_listener) nack(where, "api_listener is for proxyless gRPC clients; a sidecar listener needs filter_chains");
  checkAddress(l, where, bound);
  const { transport, routeConfigName, httpFilters } = toTransport(l, where);
  const sa = l.address!.socket_address!;
  return { name, address: sa.address!, port: sa.port_value ?? 0, routeConfigName, ...(httpFilters ? { httpFilters } : {}), transport };
}

function toTcpListener(l: Listener): ListenerConfig {
  const name = l.name!;
  const where = `listener "${name}"`;
  if (l.api_listener) nack(where, "api_listener is for proxyless gRPC clients; a sidecar listener needs filter_chains");
  const sa = l.address?.socket_address;
  if (sa === undefined) nack(where, "address must be a socket_address");
  if (sa.address !== "127.0.0.1") nack(where, `address ${sa.address} must be 127.0.0.1: outbound TCP listeners serve the local app only`);
  const port = sa.port_value ?? 0;
  if (!Number.isInteger(port) || port < 1 || port > 65535) nack(where, `port_value ${port} is not a port (1-65535)`);
  const { transport } = toTransport(l, where);
  if (transport.chains.length !== 1 || transport.chains[0]!.kind !== "tcp" || transport.chains[0]!.tls !== undefined) {
    nack(where, "an outbound TCP listener needs exactly one plaintext filter chain with tcp_proxy");
  }
  return { name, address: sa.address, port, routeConfigName: "", transport };
}

/** LDS response (state of the world) -> the sidecar's listeners by name; unknown names are ignored. */
export function translateListeners(resources: readonly Listener[], bound: BoundAddresses): ListenerConfigs {
  const main = new Map<string, ListenerConfig>();
  const tcp = new Map<string, ListenerConfig>();
  const ports = new Map<number, string>();
  resources.forEach((l, i) => {
    if (!l.name) nack(`listener[${i}]`, "name is empty");
    if (main.has(l.name) || tcp.has(l.name)) nack(`listener "${l.name}"`, "appears twice in the response");
    if (l.name === SidecarResourceNames.inboundListener) main.set(l.name, toMainListener(l, bound.inbound));
    else if (l.name === SidecarResourceNames.outboundListener) main.set(l.name, toMainListener(l, bound.outbound));
    else if (l.name.startsWith(TCP_OUTBOUND_PREFIX)) {
      const config = toTcpListener(l);
      const clash = ports.get(config.port) ?? (config.port === bound.outbound.port || (bound.inbound.address === "127.0.0.1" && config.port === bound.inbound.port) ? "the sidecar's own listener" : undefined);
      if (clash !== undefined) nack(`listener "${l.name}"`, `port ${config.port} is already used by ${clash.startsWith("weft") ? `listener "${clash}"` : clash}`);
      ports.set(config.port, l.name);
      tcp.set(l.name, config);
    }
  });
  return { main, tcp };
}

/** `weft.inbound` / `weft.outbound` only (the snapshot's two main listeners). */
export function toListenerConfigs(resources: readonly Listener[], bound: BoundAddresses): Map<string, ListenerConfig> {
  return translateListeners(resources, bound).main;
}
