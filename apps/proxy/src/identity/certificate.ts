// A workload certificate as the sidecar uses it: key + leaf (+ chain) + trust bundle, checked when
// it arrives (from the CA or from disk) — the key matches, it chains to the bundle, and it carries
// exactly the SPIFFE ID of a mesh workload.
import { createPrivateKey, X509Certificate } from "node:crypto";
import { parseSpiffeId, uriSans, type SpiffeId } from "./spiffe";

export interface WorkloadCertificate {
  /** PKCS#8 PEM of the private key (never logged). */
  readonly keyPem: string;
  /** The leaf first, then any intermediates. */
  readonly certPem: string;
  /** PEM of the CA certificates peers' certificates are verified against. */
  readonly bundlePem: string;
  readonly spiffe: SpiffeId;
  /** Validity, ms since the epoch. */
  readonly notBefore: number;
  readonly notAfter: number;
  readonly serial: string;
}

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

export function splitPemCertificates(pem: string): string[] {
  return pem.match(PEM_CERT) ?? [];
}

/** Validates and parses; throws an Error saying what is wrong (never echoing key material). */
export function toWorkloadCertificate(keyPem: string, certPem: string, bundlePem: string): WorkloadCertificate {
  const certs = splitPemCertificates(certPem);
  if (certs.length === 0) throw new Error("certificate_pem holds no PEM certificate");
  const bundle = splitPemCertificates(bundlePem);
  if (bundle.length === 0) throw new Error("trust_bundle_pem holds no PEM certificate");
  let leaf: X509Certificate;
  try {
    leaf = new X509Certificate(certs[0]!);
  } catch (err) {
    throw new Error(`certificate_pem is not a valid certificate: ${(err as Error).message}`);
  }
  let key;
  try {
    key = createPrivateKey(keyPem);
  } catch {
    throw new Error("the private key cannot be read");
  }
  if (!leaf.checkPrivateKey(key)) throw new Error("the certificate does not belong to this sidecar's private key");
  const cas = bundle.map((pem) => new X509Certificate(pem));
  const intermediates = certs.slice(1).map((pem) => new X509Certificate(pem));
  if (!chainsTo(leaf, intermediates, cas)) throw new Error("the certificate is not signed by the trust bundle");
  const sans = uriSans(leaf.subjectAltName);
  const spiffes = sans.map(parseSpiffeId).filter((s) => s !== undefined);
  if (spiffes.length !== 1 || sans.length !== 1) {
    throw new Error(`the certificate must carry exactly one URI SAN of the form spiffe://<trust-domain>/ns/<ns>/sa/<service> (has: ${sans.join(", ") || "none"})`);
  }
  const notBefore = Date.parse(leaf.validFrom);
  const notAfter = Date.parse(leaf.validTo);
  if (!Number.isFinite(notBefore) || !Number.isFinite(notAfter) || notAfter <= notBefore) throw new Error("the certificate has no usable validity period");
  return { keyPem, certPem: certs.join("\n") + "\n", bundlePem: bundle.join("\n") + "\n", spiffe: spiffes[0]!, notBefore, notAfter, serial: leaf.serialNumber };
}

function chainsTo(leaf: X509Certificate, intermediates: X509Certificate[], cas: X509Certificate[]): boolean {
  let current = leaf;
  for (let depth = 0; depth <= intermediates.length; depth++) {
    if (cas.some((ca) => current.checkIssued(ca) && current.verify(ca.publicKey))) return true;
    const next = intermediates.find((i) => current.checkIssued(i) && current.verify(i.publicKey));
    if (next === undefined) return false;
    current = next;
  }
  return false;
}
