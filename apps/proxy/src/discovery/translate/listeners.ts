// LDS: the sidecar's two listeners -> ListenerConfig (address + RDS name). The sidecar binds its
// ports itself at start and never rebinds, so a listener whose address differs from the bound one
// is NACKed. One filter chain with an HttpConnectionManager over RDS, ending in the router filter.
import { SidecarResourceNames } from "@weft/contracts";
import { TypeUrl } from "@weft/contracts/proto";
import type { ListenerConfig } from "../../core/runtime-config";
import { isAds, nack, NOT_YET, type HttpConnectionManager, type Listener } from "./wire";

export interface BoundAddresses {
  inbound: { address: string; port: number };
  outbound: { address: string; port: number };
}

const HCM_NAME = "envoy.filters.network.http_connection_manager";
const ROUTER_NAME = "envoy.filters.http.router";

function toListenerConfig(l: Listener, bound: { address: string; port: number }): ListenerConfig {
  const name = l.name!;
  const where = `listener "${name}"`;
  if (l.api_listener) nack(where, "api_listener is for proxyless gRPC clients; a sidecar listener needs filter_chains");
  const sa = l.address?.socket_address;
  if (sa === undefined) nack(where, "address must be a socket_address");
  if (sa.address !== bound.address || (sa.port_value ?? 0) !== bound.port) {
    nack(
      where,
      `address ${sa.address}:${sa.port_value ?? 0} differs from the address this sidecar is bound to (${bound.address}:${bound.port}); ` +
        "the sidecar binds from its own configuration and never rebinds",
    );
  }
  if ((l.listener_filters?.length ?? 0) > 0) nack(where, `listener_filters ${NOT_YET}`);
  if (l.default_filter_chain) nack(`${where} default_filter_chain`, NOT_YET);
  const chains = l.filter_chains ?? [];
  if (chains.length !== 1) nack(where, `needs exactly one filter chain (got ${chains.length})`);
  const chain = chains[0]!;
  if (chain.filter_chain_match && Object.keys(chain.filter_chain_match).length > 0) nack(`${where} filter_chains[0]`, `filter_chain_match ${NOT_YET}`);
  if (chain.transport_socket) nack(`${where} filter_chains[0]`, `transport_socket (TLS) ${NOT_YET}`);
  const filters = chain.filters ?? [];
  if (filters.length !== 1) nack(`${where} filter_chains[0]`, `needs exactly one network filter, the ${HCM_NAME} (got ${filters.length})`);
  const filter = filters[0]!;
  const at = `${where} filter_chains[0].filters[0]`;
  if (filter.typed_config?.["@type"] !== TypeUrl.HttpConnectionManager) {
    nack(at, `network filter ${filter.name ?? filter.typed_config?.["@type"] ?? "(unnamed)"} ${NOT_YET} (only ${HCM_NAME})`);
  }
  const hcm = filter.typed_config as HttpConnectionManager;
  if (hcm.route_config) nack(at, `inline route_config ${NOT_YET}; use rds`);
  if (hcm.scoped_routes) nack(at, `scoped_routes ${NOT_YET}; use rds`);
  const rds = hcm.rds;
  if (!rds?.route_config_name) nack(at, "rds.route_config_name is empty");
  if (!isAds(rds.config_source)) nack(at, "rds.config_source must be { ads: {} } (RDS over this ADS stream)");
  const httpFilters = hcm.http_filters ?? [];
  if (httpFilters.length === 0) nack(at, `http_filters must end with ${ROUTER_NAME}`);
  httpFilters.forEach((f, i) => {
    const isRouter = f.typed_config?.["@type"] === TypeUrl.Router || (f.typed_config === undefined && f.name === ROUTER_NAME);
    const last = i === httpFilters.length - 1;
    if (last && !isRouter) nack(`${at} http_filters[${i}]`, `the last http filter must be ${ROUTER_NAME} (got ${f.name ?? "(unnamed)"})`);
    if (!last && !f.is_optional) nack(`${at} http_filters[${i}]`, `http filter ${f.name ?? f.typed_config?.["@type"] ?? "(unnamed)"} ${NOT_YET}`);
  });
  return { name, address: sa.address, port: sa.port_value ?? 0, routeConfigName: rds.route_config_name };
}

/** LDS response (state of the world) -> the sidecar's listeners by name; other names are ignored. */
export function toListenerConfigs(resources: readonly Listener[], bound: BoundAddresses): Map<string, ListenerConfig> {
  const out = new Map<string, ListenerConfig>();
  resources.forEach((l, i) => {
    if (!l.name) nack(`listener[${i}]`, "name is empty");
    if (out.has(l.name)) nack(`listener "${l.name}"`, "appears twice in the response");
    if (l.name === SidecarResourceNames.inboundListener) out.set(l.name, toListenerConfig(l, bound.inbound));
    else if (l.name === SidecarResourceNames.outboundListener) out.set(l.name, toListenerConfig(l, bound.outbound));
  });
  return out;
}
