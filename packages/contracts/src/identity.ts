// Workload identity as the API shows it: trust domains, join tokens and the trust bundle
// (docs/security.md). What the data path needs (SPIFFE IDs, TLS markers) is in spiffe.ts.
import { z } from "zod";
import { NameSchema, NamespaceSchema } from "./names";

/** A trust domain: a lower-case DNS name (`weft.local`, `mesh.example.com`). */
export const TrustDomainSchema = z
  .string()
  .min(1, "must not be empty")
  .max(255)
  .regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/, "must be a lower-case DNS name such as \"weft.local\"");

// ---- join tokens ----------------------------------------------------------------------------

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
