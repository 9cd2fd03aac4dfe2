// The CA that signs workload certificates: generated on first start and kept in the database
// (shared by every replica; its key optionally sealed with WEFT_CA_KEY_ENCRYPTION_KEY), or the
// operator's own (WEFT_CA_CERT_FILE + WEFT_CA_KEY_FILE, never stored).
import { webcrypto } from "node:crypto";
import type { CaStore } from "../../ports/ca-store";
import { isEnvelope, openKey, sealKey } from "./key-envelope";
import {
  exportPkcs8Pem,
  importSigningKey,
  randomSerial,
  signingAlgorithm,
  splitCertificates,
  x509,
  type SignatureAlgorithm,
  type SigningKey,
} from "./x509";

export interface SigningCa {
  source: "generated" | "operator";
  cert: x509.X509Certificate;
  key: SigningKey;
  algorithm: SignatureAlgorithm;
  /** Certificates sent after the leaf (the operator CA's chain, without the root). */
  chainPems: string[];
  /** What workloads trust: the root. */
  bundle: x509.X509Certificate;
}

/** A generated root is valid this long; rotate it by supplying a new one (docs/security.md). */
const ROOT_VALIDITY_MS = 10 * 365 * 24 * 3_600_000;

export async function generateRoot(nowMs: number): Promise<{ certPem: string; keyPem: string }> {
  const alg = { name: "ECDSA", namedCurve: "P-256" };
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const serialNumber = randomSerial();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber,
    // The serial's head tells roots apart (e.g. after a regeneration) in tools that show names only.
    name: `CN=Weft mesh root CA ${serialNumber.slice(0, 8)}, O=Weft`,
    notBefore: new Date(nowMs - 60_000),
    notAfter: new Date(nowMs + ROOT_VALIDITY_MS),
    keys: keys as never,
    signingAlgorithm: { name: "ECDSA", hash: "SHA-256" } as SignatureAlgorithm,
    extensions: [
      // pathLength 0: this root signs workload certificates only, never other CAs.
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey as never),
    ],
  });
  return { certPem: cert.toString("pem"), keyPem: await exportPkcs8Pem(keys.privateKey) };
}

async function toSigningCa(source: SigningCa["source"], certPems: string[], keyPem: string, what: string): Promise<SigningCa> {
  const [first, ...rest] = certPems;
  if (!first) throw new Error(`${what}: no PEM certificate found`);
  const cert = new x509.X509Certificate(first);
  const constraints = cert.getExtension(x509.BasicConstraintsExtension);
  if (!constraints?.ca) throw new Error(`${what}: the first certificate ("${cert.subject}") is not a CA (basicConstraints CA:TRUE is missing)`);
  const usage = cert.getExtension(x509.KeyUsagesExtension);
  if (usage && !(usage.usages & x509.KeyUsageFlags.keyCertSign)) throw new Error(`${what}: the CA certificate may not sign certificates (keyUsage lacks keyCertSign)`);
  const { key, kind, publicSpki } = await importSigningKey(keyPem);
  if (!Buffer.from(cert.publicKey.rawData).equals(publicSpki)) throw new Error(`${what}: the private key does not belong to the CA certificate "${cert.subject}"`);
  // [root]: the root signs and is trusted. [intermediate, ..., root]: all but the root follow each leaf.
  const bundlePem = rest.length > 0 ? rest[rest.length - 1]! : first;
  return {
    source,
    cert,
    key,
    algorithm: signingAlgorithm(kind),
    chainPems: rest.length > 0 ? certPems.slice(0, -1) : [],
    bundle: new x509.X509Certificate(bundlePem),
  };
}

/**
 * The operator's CA: `certPem` holds the signing CA certificate, optionally followed by its chain up
 * to the root (the last one is the trust bundle; those in between are sent after each leaf).
 */
export async function loadOperatorCa(certPem: string, keyPem: string, nowMs: number): Promise<SigningCa> {
  const ca = await toSigningCa("operator", splitCertificates(certPem), keyPem, "WEFT_CA_CERT_FILE");
  if (ca.cert.notAfter.getTime() <= nowMs) throw new Error(`WEFT_CA_CERT_FILE: the CA certificate expired on ${ca.cert.notAfter.toISOString()}`);
  return ca;
}

/** Loads the generated root from the store, creating it on first start. */
export async function loadGeneratedCa(
  store: CaStore,
  opts: { nowMs: number; keyEncryptionKey?: Buffer; log: { info(obj: object, msg: string): void } },
): Promise<SigningCa> {
  let stored = await store.loadRoot();
  if (!stored) {
    const fresh = await generateRoot(opts.nowMs);
    const keyPem = opts.keyEncryptionKey ? sealKey(fresh.keyPem, opts.keyEncryptionKey) : fresh.keyPem;
    stored = await store.insertRootIfAbsent({ certPem: fresh.certPem, keyPem, keyEncrypted: Boolean(opts.keyEncryptionKey) });
    if (stored.certPem === fresh.certPem) opts.log.info({ encrypted: stored.keyEncrypted }, "generated the mesh root CA");
  }
  let keyPem = stored.keyPem;
  if (stored.keyEncrypted || isEnvelope(keyPem)) {
    if (!opts.keyEncryptionKey) {
      throw new Error("the CA key in the database is encrypted: set WEFT_CA_KEY_ENCRYPTION_KEY to the key it was encrypted with");
    }
    keyPem = openKey(keyPem, opts.keyEncryptionKey);
  } else if (opts.keyEncryptionKey) {
    // A key stored before encryption was turned on is sealed now.
    await store.updateRootKey(sealKey(keyPem, opts.keyEncryptionKey), true);
    opts.log.info({}, "encrypted the stored CA key with WEFT_CA_KEY_ENCRYPTION_KEY");
  }
  return toSigningCa("generated", [stored.certPem], keyPem, "stored CA");
}
