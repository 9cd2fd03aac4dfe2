// CDS transport: `transport_socket` and `transport_socket_matches` (UpstreamTlsContext with the
// "weft" certificate provider, chosen per endpoint by its `envoy.transport_socket_match` metadata)
// and the HTTP protocol (`typed_extension_protocol_options` HttpProtocolOptions: explicit HTTP/1.1 or
// HTTP/2, or auto_config = by ALPN). Also the endpoint metadata those matches read.
import { structToJson, TypeUrl } from "@weft/contracts/proto";
import { TLS_MODE } from "@weft/contracts";
import type { ClusterTransport, TransportLabels, TransportSocketMatch, UpstreamProtocol, UpstreamTls } from "../../core/transport-config";
import { PLAINTEXT_TRANSPORT } from "../../core/transport-config";
import { toCommonTls } from "./tls-context";
import { firstSet, nack, NOT_YET, type Cluster, type ClusterLoadAssignment, type HttpProtocolOptionsWire, type MetadataWire, type TransportSocketWire, type UpstreamTlsContextWire } from "./wire";

export const TLS_TRANSPORT_SOCKET = "envoy.transport_sockets.tls";
export const RAW_BUFFER_TRANSPORT_SOCKET = "envoy.transport_sockets.raw_buffer";
const PROTOCOL_OPTIONS_KEY = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
const RAW_BUFFER_TYPE = "type.googleapis.com/envoy.extensions.transport_sockets.raw_buffer.v3.RawBuffer";

const typeOf = (ts: TransportSocketWire) => ts.typed_config?.["@type"] ?? (ts.typed_config?.type_url as string | undefined);

/** A transport socket -> upstream TLS, or undefined for plaintext (raw_buffer). */
export function toUpstreamTls(ts: TransportSocketWire, where: string): UpstreamTls | undefined {
  const type = typeOf(ts);
  if (type === RAW_BUFFER_TYPE || (type === undefined && ts.name === RAW_BUFFER_TRANSPORT_SOCKET)) return undefined;
  if (type !== TypeUrl.UpstreamTlsContext) nack(where, `transport socket ${ts.name ?? type ?? "(unnamed)"} ${NOT_YET} (${TLS_TRANSPORT_SOCKET} with UpstreamTlsContext, or raw_buffer)`);
  const u = ts.typed_config as UpstreamTlsContextWire;
  const at = `${where} UpstreamTlsContext`;
  if (u.allow_renegotiation) nack(at, `allow_renegotiation ${NOT_YET}`);
  const common = toCommonTls(u.common_tls_context, at, true);
  const sni = u.sni ?? "";
  const key = `${sni}|${common.alpn.join(",")}|${common.san.map((m) => `${m.kind}:${m.value}`).join(",")}`;
  return { sni, alpn: common.alpn, san: common.san, key };
}

function toProtocol(c: Cluster, where: string): UpstreamProtocol {
  if (c.protocol_selection === "USE_DOWNSTREAM_PROTOCOL") nack(where, `protocol_selection USE_DOWNSTREAM_PROTOCOL ${NOT_YET}`);
  const options = c.typed_extension_protocol_options ?? {};
  for (const key of Object.keys(options)) {
    if (key !== PROTOCOL_OPTIONS_KEY) nack(where, `typed_extension_protocol_options["${key}"] ${NOT_YET} (only ${PROTOCOL_OPTIONS_KEY})`);
  }
  const po = options[PROTOCOL_OPTIONS_KEY] as HttpProtocolOptionsWire | undefined;
  if (po === undefined) return c.http2_protocol_options ? "http2" : "http1";
  const at = `${where} typed_extension_protocol_options["${PROTOCOL_OPTIONS_KEY}"]`;
  if (po["@type"] !== TypeUrl.HttpProtocolOptions) nack(at, `must be an ${TypeUrl.HttpProtocolOptions} (got ${po["@type"] ?? String(po.type_url ?? "(none)")})`);
  const other = firstSet(po, ["use_downstream_protocol_config", "http_filters", "header_validation_config"]);
  if (other) nack(at, `${other} ${NOT_YET}`);
  if (po.explicit_http_config) {
    const e = po.explicit_http_config;
    if (e.http3_protocol_options) nack(at, `explicit_http_config.http3_protocol_options ${NOT_YET}`);
    if (e.http2_protocol_options) return "http2";
    if (e.http_protocol_options) return "http1";
    return nack(at, "explicit_http_config sets no protocol");
  }
  if (po.auto_config) {
    if (po.auto_config.http3_protocol_options) nack(at, `auto_config.http3_protocol_options ${NOT_YET}`);
    return "auto";
  }
  return "http1";
}

export function toClusterTransport(c: Cluster, where: string): ClusterTransport {
  if (c.transport_socket_matcher) nack(where, `transport_socket_matcher ${NOT_YET}; use transport_socket_matches`);
  const protocol = toProtocol(c, where);
  const tls = c.transport_socket ? toUpstreamTls(c.transport_socket, `${where} transport_socket`) : undefined;
  const matches: TransportSocketMatch[] = (c.transport_socket_matches ?? []).map((m, i) => {
    const at = `${where} transport_socket_matches[${i}]`;
    if (!m.name) nack(at, "name is empty");
    const match: Record<string, string> = {};
    for (const [k, v] of Object.entries(structToJson(m.match))) {
      if (typeof v !== "string") nack(at, `match["${k}"] must be a string (the sidecar matches string metadata only)`);
      match[k] = v;
    }
    return { name: m.name, match, tls: m.transport_socket ? toUpstreamTls(m.transport_socket, `${at} transport_socket`) : undefined };
  });
  if (protocol === "http1" && tls === undefined && matches.length === 0) return PLAINTEXT_TRANSPORT;
  return { protocol, tls, matches };
}

/** `filter_metadata["envoy.transport_socket_match"]` of an endpoint: its string values. */
export function transportLabelsOf(metadata: MetadataWire | undefined): TransportLabels | undefined {
  const struct = metadata?.filter_metadata?.[TLS_MODE.filter];
  if (struct === undefined) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(structToJson(struct))) if (typeof v === "string") out[k] = v;
  return out;
}

/** Labels of every endpoint of an assignment that has some, by `address:port`. */
export function transportLabelsByEndpoint(cla: ClusterLoadAssignment, into: Map<string, TransportLabels>): void {
  for (const locality of cla.endpoints ?? []) {
    for (const lb of locality.lb_endpoints ?? []) {
      const labels = transportLabelsOf(lb.metadata);
      const sa = lb.endpoint?.address?.socket_address;
      if (labels !== undefined && sa?.address) into.set(`${sa.address}:${sa.port_value ?? 0}`, labels);
    }
  }
}
