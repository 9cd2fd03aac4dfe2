// The workload key pair (ECDSA P-256, generated in this process) and the certificate signing
// request sent to the mesh CA. The private key leaves the process only as the persisted copy in
// the state directory (mode 600); the CA sees the CSR, never the key.
//
// The CSR (PKCS#10, RFC 2986) is built from @peculiar's ASN.1 schemas and signed with node:crypto.
// @peculiar/x509's builder would do it in one call, but it loads a dependency-injection container,
// reflect-metadata and every X.509 extension type: ~1 MB of heap kept for the process's life, in
// every sidecar, for a call made once a day (docs/benchmarks.md, RSS).
import { generateKeyPair, sign, type KeyObject } from "node:crypto";
import { promisify } from "node:util";
import { AsnConvert, OctetString } from "@peculiar/asn1-schema";
import { CertificationRequest, CertificationRequestInfo } from "@peculiar/asn1-csr";
import {
  AlgorithmIdentifier,
  Attribute,
  AttributeTypeAndValue,
  AttributeValue,
  Extension,
  Extensions,
  GeneralName,
  Name,
  RelativeDistinguishedName,
  SubjectAlternativeName,
  SubjectPublicKeyInfo,
  id_ce_subjectAltName,
} from "@peculiar/asn1-x509";
import { DEFAULT_TRUST_DOMAIN, spiffeId } from "@weft/contracts";

const OID_COMMON_NAME = "2.5.4.3";
/** PKCS#9 extensionRequest: the extensions the requester asks the CA to include. */
const OID_EXTENSION_REQUEST = "1.2.840.113549.1.9.14";
const OID_ECDSA_WITH_SHA256 = "1.2.840.10045.4.3.2";

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
  const { publicKey, privateKey } = await promisify(generateKeyPair)("ec", { namedCurve: "P-256" });
  const csr = certificationRequest(publicKey, privateKey, `${service}.${namespace}`, spiffeId(trustDomainHint, namespace, service));
  return {
    keyPem: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
    csrPem: toPem(Buffer.from(AsnConvert.serialize(csr)), "CERTIFICATE REQUEST"),
  };
}

function certificationRequest(publicKey: KeyObject, privateKey: KeyObject, commonName: string, uri: string): CertificationRequest {
  const san = new SubjectAlternativeName([new GeneralName({ uniformResourceIdentifier: uri })]);
  const extensions = new Extensions([new Extension({ extnID: id_ce_subjectAltName, critical: false, extnValue: new OctetString(AsnConvert.serialize(san)) })]);
  const info = new CertificationRequestInfo({
    subject: new Name([new RelativeDistinguishedName([new AttributeTypeAndValue({ type: OID_COMMON_NAME, value: new AttributeValue({ utf8String: commonName }) })])]),
    subjectPKInfo: AsnConvert.parse(publicKey.export({ type: "spki", format: "der" }), SubjectPublicKeyInfo),
  });
  info.attributes.push(new Attribute({ type: OID_EXTENSION_REQUEST, values: [AsnConvert.serialize(extensions)] }));
  // node:crypto signs ECDSA in DER (r, s), the form PKCS#10 carries.
  const signature = sign("sha256", Buffer.from(AsnConvert.serialize(info)), privateKey);
  return new CertificationRequest({
    certificationRequestInfo: info,
    signatureAlgorithm: new AlgorithmIdentifier({ algorithm: OID_ECDSA_WITH_SHA256 }),
    signature: new Uint8Array(signature).buffer,
  });
}

function toPem(der: Buffer, label: string): string {
  const b64 = der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "");
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
