// @peculiar/x509 on Node's WebCrypto, and the key handling the CA needs: which key types it
// accepts, importing private keys of any PEM flavour for signing, and PEM splitting.
import "reflect-metadata"; // must precede @peculiar/x509 (tsyringe needs the polyfill)
import { createPrivateKey, createPublicKey, webcrypto, type KeyObject } from "node:crypto";
import * as x509 from "@peculiar/x509";

// Node's webcrypto is the WebCrypto the library expects; its DOM type is not in this project's lib.
x509.cryptoProvider.set(webcrypto as never);

export { x509 };

/** WebCrypto key as @peculiar/x509 takes it (the DOM type, absent from this project's lib). */
export type SigningKey = Parameters<typeof x509.X509CertificateGenerator.create>[0] extends infer P
  ? P extends { signingKey: infer K }
    ? K
    : never
  : never;
export type SignatureAlgorithm = NonNullable<Parameters<typeof x509.X509CertificateGenerator.create>[0]["signingAlgorithm"]>;

export type SigningKeyKind = { kind: "ec"; curve: "P-256" | "P-384" } | { kind: "rsa"; bits: number };

const CURVES: Record<string, "P-256" | "P-384"> = { prime256v1: "P-256", secp384r1: "P-384" };

/** What a key is, or a reason it is not one the mesh accepts (ECDSA P-256/P-384, RSA ≥ 2048). */
export function describeKey(key: KeyObject): SigningKeyKind | { refused: string } {
  if (key.asymmetricKeyType === "ec") {
    const curve = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ""];
    return curve ? { kind: "ec", curve } : { refused: `ECDSA on curve ${key.asymmetricKeyDetails?.namedCurve ?? "unknown"}` };
  }
  if (key.asymmetricKeyType === "rsa") {
    const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
    return bits >= 2048 ? { kind: "rsa", bits } : { refused: `RSA with ${bits} bits` };
  }
  return { refused: key.asymmetricKeyType ?? "an unknown key type" };
}

export const ACCEPTED_KEYS = "ECDSA P-256 (recommended), ECDSA P-384, or RSA of at least 2048 bits";

/** The signature algorithm a CA key of this kind signs certificates with. */
export function signingAlgorithm(kind: SigningKeyKind): SignatureAlgorithm {
  if (kind.kind === "ec") return { name: "ECDSA", hash: kind.curve === "P-384" ? "SHA-384" : "SHA-256" } as SignatureAlgorithm;
  return { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as SignatureAlgorithm;
}

/** Imports a private key PEM (PKCS#8, SEC1 or PKCS#1) as a WebCrypto signing key. */
export async function importSigningKey(pem: string): Promise<{ key: SigningKey; kind: SigningKeyKind; publicSpki: Buffer }> {
  const obj = createPrivateKey(pem);
  const kind = describeKey(obj);
  if ("refused" in kind) throw new Error(`the CA key is ${kind.refused}; use ${ACCEPTED_KEYS}`);
  const pkcs8 = obj.export({ type: "pkcs8", format: "der" });
  const algorithm = kind.kind === "ec" ? { name: "ECDSA", namedCurve: kind.curve } : { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" };
  const key = (await webcrypto.subtle.importKey("pkcs8", pkcs8, algorithm, false, ["sign"])) as unknown as SigningKey;
  const publicSpki = createPublicKey(obj).export({ type: "spki", format: "der" });
  return { key, kind, publicSpki };
}

export async function exportPkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey("pkcs8", key);
  return x509.PemConverter.encode(der, "PRIVATE KEY");
}

/** Every CERTIFICATE block of a PEM bundle, in order. */
export function splitCertificates(pem: string): string[] {
  return pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
}

/** Serial number: 16 random bytes, positive and without a leading zero byte (RFC 5280 §4.1.2.2). */
export function randomSerial(): string {
  const b = webcrypto.getRandomValues(new Uint8Array(16));
  b[0] = (b[0]! & 0x7f) | 0x40;
  return Buffer.from(b).toString("hex");
}

export function fingerprintSha256(cert: x509.X509Certificate): Promise<string> {
  return cert.getThumbprint("SHA-256").then((t) => Buffer.from(t).toString("hex").toUpperCase().match(/../g)!.join(":"));
}
