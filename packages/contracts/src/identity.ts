// Workload identity shared by the controller (CA, xDS) and the sidecar (identity module, mTLS):
// SPIFFE IDs, the certificate provider instance xDS refers to, the EDS marker of mTLS endpoints,
// join tokens and the trust bundle as the API shows them (docs/security.md).
import { z } from "zod";
import { NameSchema, NamespaceSchema } from "./names";

export const DEFAULT_TRUST_DOMAIN = "weft.local";

/** A trust domain: a lower-case DNS name (`weft.local`, `mesh.example.com`). */
export const TrustDomainSchema = z
  .string()
  .min(1, "must not be empty")
  .max(255)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a lower-case DNS name such as \"weft.local\"");

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

// ---- join tokens ----------------------------------------------------------------------------

/** Join tokens look like `weft_jt_<43 url-safe characters>`; only their SHA-256 is stored. */
export const JOIN_TOKEN_PREFIX = "weft_jt_";

export const WorkloadTokenCreateInput = z.object({
  /** The service whose identity the token grants (need not exist yet: its first sidecar creates it). */
  service: NameSchema,
  namespace: NamespaceSchema.default("default"),
  /** How long the token can be used to get (and renew) certificates. */
  ttlHours: z
    .number({ error: "must be a number of hours" })
    .int("must be a whole number of hours")
    .min(1, "must be at least 1 hour")
    .max(8760, "must be at most 8760 hours (one year)")
    .default(720),
});
export type WorkloadTokenCreateInput = z.input<typeof WorkloadTokenCreateInput>;

export const WorkloadTokenSchema = z.object({
  id: z.string(),
  service: z.string(),
  namespace: z.string(),
  /** The SPIFFE ID certificates issued with this token carry. */
  identity: z.string(),
  /** First characters of the secret, to recognise it. */
  prefix: z.string(),
  createdBy: z.string(),
  createdAt: z.string(),
  expiresAt: z.string(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
});
export type WorkloadToken = z.infer<typeof WorkloadTokenSchema>;

export const TrustBundleSchema = z.object({
  trustDomain: z.string(),
  /** PEM of the CA certificate(s) every workload trusts. */
  pem: z.string(),
  /** `generated` (kept in the database) or `operator` (WEFT_CA_CERT_FILE). */
  source: z.enum(["generated", "operator"]),
  subject: z.string(),
  notBefore: z.string(),
  notAfter: z.string(),
  /** SHA-256 of the DER certificate, hex with colons, to compare out of band. */
  fingerprintSha256: z.string(),
});
export type TrustBundle = z.infer<typeof TrustBundleSchema>;
