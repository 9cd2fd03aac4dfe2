// Encryption at rest of the CA's private key: AES-256-GCM under the operator's key
// (WEFT_CA_KEY_ENCRYPTION_KEY). Envelope: "weft-aes256gcm:v1:<iv>:<tag>:<ciphertext>", base64url.
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";

const SCHEME = "weft-aes256gcm:v1";
// Binds the ciphertext to its purpose: an envelope of something else cannot be swapped in.
const AAD = Buffer.from("weft mesh CA private key");

export function isEnvelope(stored: string): boolean {
  return stored.startsWith(`${SCHEME}:`);
}

export function sealKey(plaintextPem: string, key: Buffer): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(AAD);
  const ciphertext = Buffer.concat([cipher.update(plaintextPem, "utf8"), cipher.final()]);
  return [SCHEME, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), ciphertext.toString("base64url")].join(":");
}

/** Throws when the envelope is malformed or `key` is not the key it was sealed with. */
export function openKey(envelope: string, key: Buffer): string {
  const parts = envelope.slice(SCHEME.length + 1).split(":");
  if (!isEnvelope(envelope) || parts.length !== 3) throw new Error("the stored CA key envelope is malformed");
  const [iv, tag, ciphertext] = parts.map((p) => Buffer.from(p, "base64url")) as [Buffer, Buffer, Buffer];
  const decipher = createDecipheriv("aes-256-gcm", key, iv);
  decipher.setAAD(AAD);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(ciphertext), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("WEFT_CA_KEY_ENCRYPTION_KEY does not decrypt the CA key stored in the database (is it the key it was encrypted with?)");
  }
}
