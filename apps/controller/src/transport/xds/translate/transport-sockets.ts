// mTLS between sidecars: the TLS transport sockets of mesh clusters (origination, chosen per
// endpoint by `transport_socket_matches`) and of a sidecar's inbound listener (termination).
// Certificates are referenced by certificate provider instance, never carried (docs/security.md).
import { CERTIFICATE_PROVIDER_INSTANCE, MESH_ALPN, TLS_MODE } from "@weft/contracts";
import { ExtensionName, jsonToStruct, TypeUrl } from "@weft/contracts/proto";

const provider = { instance_name: CERTIFICATE_PROVIDER_INSTANCE };

function commonTlsContext(sanMatcher: Record<string, string>, alpn: readonly string[] | undefined): Record<string, unknown> {
  return {
    tls_certificate_provider_instance: provider,
    validation_context: {
      ca_certificate_provider_instance: provider,
      match_typed_subject_alt_names: [{ san_type: "URI", matcher: sanMatcher }],
    },
    ...(alpn ? { alpn_protocols: [...alpn] } : {}),
  };
}

/**
 * `transport_socket_matches` of a mesh cluster: TLS to endpoints that EDS marks as mTLS (sidecar
 * inbound listeners), expecting the destination service's SPIFFE ID. Endpoints without the mark
 * (registered through the API, e.g. proxyless gRPC servers) match no entry and use the cluster's
 * default transport: plaintext.
 */
export function toUpstreamTlsMatches(peerIdentity: string, http: boolean): Array<Record<string, unknown>> {
  return [
    {
      name: TLS_MODE.mtls,
      match: jsonToStruct({ [TLS_MODE.key]: TLS_MODE.mtls }),
      transport_socket: {
        name: ExtensionName.TlsTransportSocket,
        typed_config: {
          "@type": TypeUrl.UpstreamTlsContext,
          common_tls_context: commonTlsContext({ exact: peerIdentity }, http ? MESH_ALPN : undefined),
        },
      },
    },
  ];
}

/** mTLS termination on a sidecar's inbound listener: a client certificate of the trust domain is required. */
export function toDownstreamTls(trustDomain: string, http: boolean): Record<string, unknown> {
  return {
    name: ExtensionName.TlsTransportSocket,
    typed_config: {
      "@type": TypeUrl.DownstreamTlsContext,
      common_tls_context: commonTlsContext({ prefix: `spiffe://${trustDomain}/` }, http ? MESH_ALPN : undefined),
      require_client_certificate: { value: true },
    },
  };
}
