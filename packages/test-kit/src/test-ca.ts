// A real, small certificate authority for tests (ECDSA P-256 via @peculiar/x509, as the controller's
// CA): issues SPIFFE workload certificates for CSRs or with a fresh key, and serves
// `weft.ca.v1.CertificateService/Sign` over gRPC on 127.0.0.1:0 with join-token checks, so sidecars
// get certificates exactly as from the controller. `now` (a fake clock) sets notAfter; notBefore is
// backdated from the earlier of real and fake time, so certificates stay valid for node:tls (which
// checks real time) while rotation follows the fake clock.
import "reflect-metadata";
import { webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import * as grpc from "@grpc/grpc-js";
import { loadProtos } from "@weft/contracts/proto";

// `set` is overloaded (crypto | name, crypto), so `Parameters<>` picks the wrong one; node's webcrypto is a valid Crypto.
x509.cryptoProvider.set(webcrypto as never);

const ALG = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;
/** How far notBefore is backdated, ms (clock skew allowance, as real CAs do). */
const BACKDATE_MS = 5 * 60_000;

export interface TestCaOptions {
  trustDomain?: string;
  /** Time used for notAfter (e.g. a fake clock's now). Default Date.now. */
  now?: () => number;
  /** Default certificate lifetime, ms (default 1 h). */
  ttlMs?: number;
}

export interface IssuedCertificate {
  keyPem: string;
  certPem: string;
  spiffeId: string;
}

export interface TestCaServer {
  /** `127.0.0.1:<port>`, for WEFT_CA_ADDRESS. */
  address: string;
  port: number;
  /** Sign calls answered with a certificate. */
  readonly issued: number;
  /** Every Sign call: the identity the token maps to (or null) and the gRPC status returned. */
  readonly calls: ReadonlyArray<{ identity: string | null; code: grpc.status }>;
  /** While false, Sign answers UNAVAILABLE (the CA is "away"). */
  available: boolean;
  close(): Promise<void>;
}

export interface TestCa {
  trustDomain: string;
  /** The CA certificate (the trust bundle), PEM. */
  certPem: string;
  spiffeId(service: string, namespace?: string): string;
  /** A certificate for a CSR (PEM): the identity comes from the arguments, as the CA takes it from the token. */
  signCsr(csrPem: string, service: string, namespace?: string, ttlMs?: number): Promise<string>;
  /** A fresh key and certificate for a workload (for test clients and servers). */
  issue(service: string, namespace?: string, ttlMs?: number): Promise<IssuedCertificate>;
  /** gRPC CertificateService; `tokens` maps join tokens to the workload they grant. */
  startServer(tokens: Record<string, { service: string; namespace?: string }>, options?: { port?: number; ttlMs?: number }): Promise<TestCaServer>;
}

async function toPkcs8Pem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", key));
  return `-----BEGIN PRIVATE KEY-----\n${der.toString("base64").replace(/(.{64})/g, "$1\n").replace(/\n$/, "")}\n-----END PRIVATE KEY-----\n`;
}

const randomSerial = () => "01" + Buffer.from(webcrypto.getRandomValues(new Uint8Array(15))).toString("hex");

export async function createTestCa(options: TestCaOptions = {}): Promise<TestCa> {
  const trustDomain = options.trustDomain ?? "weft.local";
  const now = options.now ?? Date.now;
  const defaultTtl = options.ttlMs ?? 3_600_000;
  const caKeys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const caName = `CN=Weft Test CA ${trustDomain} ${randomSerial().slice(0, 8)}`;
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: caName,
    notBefore: new Date(Math.min(Date.now(), now()) - BACKDATE_MS),
    notAfter: new Date(Math.max(Date.now(), now()) + 365 * 86_400_000),
    keys: caKeys,
    signingAlgorithm: SIGN,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey),
    ],
  });
  const certPem = caCert.toString("pem");
  const spiffeId = (service: string, namespace = "default") => `spiffe://${trustDomain}/ns/${namespace}/sa/${service}`;

  async function leafFor(publicKey: x509.PublicKeyType, id: string, ttlMs: number): Promise<string> {
    const cert = await x509.X509CertificateGenerator.create({
      serialNumber: randomSerial(),
      subject: "CN=" + id.slice(id.lastIndexOf("/") + 1),
      issuer: caCert.subject,
      notBefore: new Date(Math.min(Date.now(), now()) - BACKDATE_MS),
      notAfter: new Date(now() + ttlMs),
      publicKey,
      signingKey: caKeys.privateKey,
      signingAlgorithm: SIGN,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyAgreement, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: "url", value: id }]),
        await x509.AuthorityKeyIdentifierExtension.create(caKeys.publicKey),
      ],
    });
    return cert.toString("pem");
  }

  async function signCsr(csrPem: string, service: string, namespace = "default", ttlMs = defaultTtl): Promise<string> {
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    if (!(await csr.verify())) throw new Error("csr_pem: the signature does not verify");
    return leafFor(csr.publicKey, spiffeId(service, namespace), ttlMs);
  }

  return {
    trustDomain,
    certPem,
    spiffeId,
    signCsr,
    async issue(service, namespace = "default", ttlMs = defaultTtl) {
      const keys = (await webcrypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
      const id = spiffeId(service, namespace);
      return { keyPem: await toPkcs8Pem(keys.privateKey), certPem: await leafFor(keys.publicKey, id, ttlMs), spiffeId: id };
    },
    async startServer(tokens, serverOptions = {}) {
      const protos = loadProtos();
      const server = new grpc.Server();
      const calls: Array<{ identity: string | null; code: grpc.status }> = [];
      let issued = 0;
      const state = { available: true };
      server.addService(protos.services.ca, {
        Sign(call: grpc.ServerUnaryCall<{ csr_pem?: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
          const fail = (code: grpc.status, details: string, identity: string | null) => {
            calls.push({ identity, code });
            callback({ code, details } as grpc.ServiceError);
          };
          if (!state.available) return fail(grpc.status.UNAVAILABLE, "test CA is unavailable", null);
          const auth = String(call.metadata.get("authorization")[0] ?? "");
          const grant = auth.startsWith("Bearer ") ? tokens[auth.slice(7)] : undefined;
          if (grant === undefined) return fail(grpc.status.UNAUTHENTICATED, "unknown join token", null);
          const id = spiffeId(grant.service, grant.namespace);
          signCsr(call.request.csr_pem ?? "", grant.service, grant.namespace, serverOptions.ttlMs ?? defaultTtl).then(
            (leaf) => {
              issued++;
              calls.push({ identity: id, code: grpc.status.OK });
              callback(null, { certificate_pem: leaf, trust_bundle_pem: certPem, spiffe_id: id });
            },
            (err: Error) => fail(grpc.status.INVALID_ARGUMENT, err.message, id),
          );
        },
      });
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync(`127.0.0.1:${serverOptions.port ?? 0}`, grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
      );
      return {
        address: `127.0.0.1:${port}`,
        port,
        get issued() {
          return issued;
        },
        calls,
        get available() {
          return state.available;
        },
        set available(v: boolean) {
          state.available = v;
        },
        close: () =>
          new Promise<void>((resolve) => {
            server.forceShutdown();
            resolve();
          }),
      };
    },
  };
}
