// Workload identity as the data path sees it: SPIFFE IDs, the certificate provider instance xDS
// refers to, the EDS marker of mTLS endpoints, mesh ALPN and the join-token prefix (docs/security.md).
// Free of zod (the sidecar loads it at run time); the API's schemas are in identity.ts.

export const DEFAULT_TRUST_DOMAIN = "weft.local";

/** `spiffe://<trust-domain>/ns/<namespace>/sa/<service>`: the identity in a workload's certificate. */
export function spiffeId(trustDomain: string, namespace: string, service: string): string {
  return `spiffe://${trustDomain}/ns/${namespace}/sa/${service}`;
}

export function parseSpiffeId(uri: string): { trustDomain: string; namespace: string; service: string } | undefined {
  const m = /^spiffe:\/\/([^/]+)\/ns\/([a-z0-9-]+)\/sa\/([a-z0-9-]+)$/.exec(uri);
  return m ? { trustDomain: m[1]!, namespace: m[2]!, service: m[3]! } : undefined;
}

/**
 * xDS names the sidecar's certificate and trust bundle by reference: `tls_certificate_provider_instance`
 * and `ca_certificate_provider_instance` with this `instance_name` (the sidecar's identity module).
 */
export const CERTIFICATE_PROVIDER_INSTANCE = "weft";

/**
 * EDS marks endpoints that terminate mTLS (sidecar-registered ones) with
 * `metadata.filter_metadata[TLS_MODE.filter] = { [TLS_MODE.key]: TLS_MODE.mtls }`; clusters pick their
 * TLS transport socket with a `transport_socket_matches` entry on the same pair.
 */
export const TLS_MODE = {
  filter: "envoy.transport_socket_match",
  key: "weft.io/tls-mode",
  mtls: "mtls",
} as const;

/** ALPN offered on mesh mTLS connections (HTTP/2 preferred). */
export const MESH_ALPN = ["h2", "http/1.1"] as const;

/** Join tokens look like `weft_jt_<43 url-safe characters>`; only their SHA-256 is stored. */
export const JOIN_TOKEN_PREFIX = "weft_jt_";
