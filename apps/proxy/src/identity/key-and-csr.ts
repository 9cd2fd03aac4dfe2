// The workload key pair (ECDSA P-256, generated in this process) and the certificate signing
// request sent to the mesh CA. The private key leaves the process only as the persisted copy in
// the state directory (mode 600); the CA sees the CSR, never the key.
import { webcrypto } from "node:crypto";
import { x509 } from "./x509";
import { DEFAULT_TRUST_DOMAIN, spiffeId } from "@weft/contracts";

const EC_P256 = { name: "ECDSA", namedCurve: "P-256" } as const;

export interface KeyAndCsr {
  /** PKCS#8 PEM, for node:tls. */
  keyPem: string;
  csrPem: string;
}

/**
 * A fresh key pair and a CSR asking for the workload's SPIFFE ID. The CA decides the identity from
 * the join token whatever the CSR asks; the SAN here documents the request.
 */
export async function createKeyAndCsr(service: string, namespace: string, trustDomainHint = DEFAULT_TRUST_DOMAIN): Promise<KeyAndCsr> {
  const keys = (await webcrypto.subtle.generateKey(EC_P256, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${service}.${namespace}`,
    keys,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" },
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "url", value: spiffeId(trustDomainHint, namespace, service) }])],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { keyPem: toPem(Buffer.from(pkcs8), "PRIVATE KEY"), csrPem: csr.toString("pem") };
}

function toPem(der: Buffer, label: string): string {
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
