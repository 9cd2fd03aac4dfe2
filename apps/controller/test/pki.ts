// Test-side PKI: CSRs made with Node's WebCrypto and @peculiar/x509 (as a sidecar makes them), an
// operator CA (root + intermediate) to hand to the controller, and a client for the CA's gRPC API.
import "reflect-metadata";
import { createPrivateKey, webcrypto } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import * as x509 from "@peculiar/x509";
import { loadGrpcJsProtos } from "@weft/contracts/proto/grpc-js";

x509.cryptoProvider.set(webcrypto as never);

export { x509 };

type KeyParams = { name: "ECDSA"; namedCurve: "P-256" | "P-384" } | { name: "RSASSA-PKCS1-v1_5"; modulusLength: number };

export async function makeKeyAndCsr(
  opts: { key?: KeyParams; subject?: string; sans?: Array<{ type: "dns" | "url"; value: string }> } = {},
): Promise<{ csrPem: string; keyPem: string }> {
  const key = opts.key ?? { name: "ECDSA", namedCurve: "P-256" };
  const params =
    key.name === "ECDSA"
      ? key
      : { name: key.name, modulusLength: key.modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: "SHA-256" };
  const keys = (await webcrypto.subtle.generateKey(params, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: opts.subject ?? "CN=workload",
    keys: keys as never,
    signingAlgorithm: (key.name === "ECDSA" ? { name: "ECDSA", hash: key.namedCurve === "P-384" ? "SHA-384" : "SHA-256" } : { name: key.name, hash: "SHA-256" }) as never,
    extensions: opts.sans ? [new x509.SubjectAlternativeNameExtension(opts.sans)] : [],
  });
  const pkcs8 = await webcrypto.subtle.exportKey("pkcs8", keys.privateKey);
  return { csrPem: csr.toString("pem"), keyPem: x509.PemConverter.encode(pkcs8, "PRIVATE KEY") };
}

/** A root CA and an intermediate signed by it; the intermediate's key is exported as SEC1 ("EC PRIVATE KEY"). */
export async function makeOperatorCa(): Promise<{ rootPem: string; intermediatePem: string; intermediateKeyPem: string }> {
  const alg = { name: "ECDSA", namedCurve: "P-256" };
  const sign = { name: "ECDSA", hash: "SHA-256" } as never;
  const rootKeys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const root = await x509.X509CertificateGenerator.createSelfSigned({
    name: "CN=Operator Root, O=Example",
    keys: rootKeys as never,
    signingAlgorithm: sign,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 365 * 86_400_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, 1, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(rootKeys.publicKey as never),
    ],
  });
  const interKeys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const intermediate = await x509.X509CertificateGenerator.create({
    subject: "CN=Operator Mesh Intermediate, O=Example",
    issuer: root.subjectName,
    publicKey: interKeys.publicKey as never,
    signingKey: rootKeys.privateKey as never,
    signingAlgorithm: sign,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 180 * 86_400_000),
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(interKeys.publicKey as never),
      await x509.AuthorityKeyIdentifierExtension.create(rootKeys.publicKey as never),
    ],
  });
  const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", interKeys.privateKey));
  const sec1 = createPrivateKey({ key: pkcs8, format: "der", type: "pkcs8" }).export({ type: "sec1", format: "pem" }) as string;
  return { rootPem: root.toString("pem"), intermediatePem: intermediate.toString("pem"), intermediateKeyPem: sec1 };
}

export interface SignReply {
  certificate_pem: string;
  trust_bundle_pem: string;
  not_after: { seconds: string; nanos?: number };
  spiffe_id: string;
  serial: string;
}

/** weft.ca.v1.CertificateService client; `sign` resolves the reply or rejects with the gRPC error. */
export function caClient(address: string) {
  const Client = loadGrpcJsProtos().ca as unknown as new (address: string, creds: grpc.ChannelCredentials) => grpc.Client & {
    Sign(req: object, md: grpc.Metadata, cb: (err: grpc.ServiceError | null, res?: SignReply) => void): void;
  };
  const client = new Client(address, grpc.credentials.createInsecure());
  return {
    sign(req: { csr_pem: string; ttl_seconds?: number }, token?: string, authorization?: string): Promise<SignReply> {
      const md = new grpc.Metadata();
      if (authorization ?? token) md.set("authorization", authorization ?? `Bearer ${token}`);
      return new Promise((resolve, reject) => client.Sign(req, md, (err, res) => (err ? reject(err) : resolve(res!))));
    },
    close: () => client.close(),
  };
}

/** The gRPC error of a call expected to fail. */
export async function grpcErrorOf(p: Promise<unknown>): Promise<grpc.ServiceError> {
  try {
    await p;
  } catch (err) {
    return err as grpc.ServiceError;
  }
  throw new Error("expected the call to fail");
}
