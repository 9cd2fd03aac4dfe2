// Typed transport configuration that discovery/ translates from xDS and the listeners and upstreams
// read: listener filter chains (HTTP or TCP, TLS or plaintext), upstream TLS, protocol options, and
// the per-endpoint choice among transport socket matches. Immutable data; no protobuf shapes.

export type SanMatchKind = "exact" | "prefix" | "suffix" | "contains";

/** One `match_typed_subject_alt_names` entry (URI SANs only: SPIFFE IDs). */
export interface SanMatcher {
  readonly kind: SanMatchKind;
  readonly value: string;
}

/** UpstreamTlsContext with the "weft" certificate provider (the sidecar's identity + trust bundle). */
export interface UpstreamTls {
  /** SNI sent to the upstream ("" = none). */
  readonly sni: string;
  /** ALPN offered; empty = decided by the cluster's protocol options. */
  readonly alpn: readonly string[];
  /** The peer certificate must have a URI SAN matching one of these (empty = any mesh certificate). */
  readonly san: readonly SanMatcher[];
  /** Canonical text of the fields above, part of upstream connection keys. */
  readonly key: string;
}

/** `transport_socket_matches[]`: endpoints whose `envoy.transport_socket_match` metadata has every
 *  key/value of `match` use `tls` (undefined = plaintext). */
export interface TransportSocketMatch {
  readonly name: string;
  readonly match: Readonly<Record<string, string>>;
  readonly tls: UpstreamTls | undefined;
}

/** `explicit_http_config` http1 / http2, or `auto_config` (HTTP/2 when ALPN says so, else HTTP/1.1). */
export type UpstreamProtocol = "http1" | "http2" | "auto";

export interface ClusterTransport {
  readonly protocol: UpstreamProtocol;
  /** `transport_socket`: for endpoints no match selects (undefined = plaintext). */
  readonly tls: UpstreamTls | undefined;
  readonly matches: readonly TransportSocketMatch[];
}

export const PLAINTEXT_TRANSPORT: ClusterTransport = Object.freeze({ protocol: "http1", tls: undefined, matches: Object.freeze([]) });

/** An endpoint's `filter_metadata["envoy.transport_socket_match"]` (string values only). */
export type TransportLabels = Readonly<Record<string, string>>;

/** DownstreamTlsContext with the "weft" certificate provider. */
export interface DownstreamTls {
  /** Peers without a valid mesh certificate are refused (STRICT). */
  readonly requireClientCertificate: boolean;
  /** ALPN the listener offers, in preference order. */
  readonly alpn: readonly string[];
  /** A client certificate must carry a URI SAN matching one of these (empty = any mesh certificate). */
  readonly san: readonly SanMatcher[];
}

/** One filter chain of a listener: what it accepts (TLS or plaintext) and where it sends it. */
export interface FilterChain {
  /** `filter_chain_match.transport_protocol`; undefined = any. */
  readonly transportProtocol: "tls" | "raw_buffer" | undefined;
  /** TLS termination; undefined = plaintext. */
  readonly tls: DownstreamTls | undefined;
  readonly kind: "http" | "tcp";
  /** HTTP chains: the RDS name of the HttpConnectionManager. */
  readonly routeConfigName: string;
  /** TCP chains: the tcp_proxy cluster. */
  readonly tcpCluster: string;
}

/** Listener-wide transport: its chains and whether the first bytes are inspected (tls_inspector). */
export interface ListenerTransport {
  readonly chains: readonly FilterChain[];
  readonly tlsInspector: boolean;
}

/** Before any listener configuration arrived: plaintext HTTP (answers WEFT_NO_CONFIG). */
export const PLAINTEXT_HTTP_LISTENER: ListenerTransport = Object.freeze({
  chains: Object.freeze([Object.freeze({ transportProtocol: undefined, tls: undefined, kind: "http", routeConfigName: "", tcpCluster: "" } as FilterChain)]),
  tlsInspector: false,
});

/** The TLS an endpoint gets: the first match whose labels it has, else the cluster's transport_socket. */
export function upstreamTlsFor(transport: ClusterTransport, labels: TransportLabels | undefined): UpstreamTls | undefined {
  const matches = transport.matches;
  for (let i = 0; i < matches.length; i++) {
    const m = matches[i]!;
    let ok = true;
    for (const k in m.match) {
      if (labels === undefined || labels[k] !== m.match[k]) {
        ok = false;
        break;
      }
    }
    if (ok) return m.tls;
  }
  return transport.tls;
}
