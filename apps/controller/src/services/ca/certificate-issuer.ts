// Turns a verified CSR into a workload certificate: the identity comes from the caller's join
// token, never from the CSR; the only SAN is the SPIFFE URI; serverAuth + clientAuth.
import { createPublicKey } from "node:crypto";
import { invalid } from "../../domain/errors";
import { ACCEPTED_KEYS, describeKey, randomSerial, x509 } from "./x509";
import type { SigningCa } from "./signing-ca";

/** notBefore is backdated this much to tolerate clock skew between machines. */
const BACKDATE_MS = 5 * 60_000;

export interface IssuedCertificate {
  /** Leaf, then the CA chain (if any). */
  certificatePem: string;
  serial: string;
  notAfter: Date;
}

/** Parses and checks a CSR: PEM, accepted key type, signature made with that key. Errors name `csr_pem`. */
export async function verifyCsr(csrPem: string): Promise<x509.Pkcs10CertificateRequest> {
  if (!/-----BEGIN (NEW )?CERTIFICATE REQUEST-----/.test(csrPem)) {
    throw invalid("csr_pem", "not a PEM certificate request (expected -----BEGIN CERTIFICATE REQUEST-----)");
  }
  let csr: x509.Pkcs10CertificateRequest;
  try {
    csr = new x509.Pkcs10CertificateRequest(csrPem);
  } catch {
    throw invalid("csr_pem", "the certificate request could not be parsed (malformed PKCS#10)");
  }
  let kind;
  try {
    kind = describeKey(createPublicKey({ key: Buffer.from(csr.publicKey.rawData), format: "der", type: "spki" }));
  } catch {
    throw invalid("csr_pem", "the public key of the certificate request could not be read");
  }
  if ("refused" in kind) throw invalid("csr_pem", `the key is ${kind.refused}; use ${ACCEPTED_KEYS}`);
  let ok = false;
  try {
    ok = await csr.verify();
  } catch {
    ok = false;
  }
  if (!ok) throw invalid("csr_pem", "the request's signature does not verify: it must be signed with the private key it carries");
  return csr;
}

/** The CA's own key identifier when it has one (an operator CA's may not be the SHA-1 of its key). */
async function authorityKeyId(ca: SigningCa): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = ca.cert.getExtension(x509.SubjectKeyIdentifierExtension);
  return ski ? new x509.AuthorityKeyIdentifierExtension(ski.keyId) : x509.AuthorityKeyIdentifierExtension.create(ca.cert.publicKey);
}

export async function issueCertificate(
  ca: SigningCa,
  csr: x509.Pkcs10CertificateRequest,
  identity: { spiffeId: string; commonName: string },
  window: { nowMs: number; ttlMs: number },
): Promise<IssuedCertificate> {
  const notBefore = new Date(Math.max(window.nowMs - BACKDATE_MS, ca.cert.notBefore.getTime()));
  const notAfter = new Date(Math.min(window.nowMs + window.ttlMs, ca.cert.notAfter.getTime()));
  const ec = csr.publicKey.algorithm.name === "ECDSA";
  const serialNumber = randomSerial();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber,
    subject: `CN=${identity.commonName}`,
    issuer: ca.cert.subjectName,
    notBefore,
    notAfter,
    publicKey: csr.publicKey,
    signingKey: ca.key,
    signingAlgorithm: ca.algorithm,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | (ec ? 0 : x509.KeyUsageFlags.keyEncipherment), true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
      new x509.SubjectAlternativeNameExtension([{ type: "url", value: identity.spiffeId }]),
      await x509.SubjectKeyIdentifierExtension.create(csr.publicKey),
      await authorityKeyId(ca),
    ],
  });
  return {
    certificatePem: [cert.toString("pem"), ...ca.chainPems.map((p) => p.trim())].join("\n") + "\n",
    serial: serialNumber,
    notAfter,
  };
}
