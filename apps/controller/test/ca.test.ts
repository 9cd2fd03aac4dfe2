// The mesh CA end to end: join tokens through the API, weft.ca.v1.CertificateService/Sign over real
// gRPC, certificates checked with node:crypto and used for a real mTLS exchange with node:tls; what
// is refused (tokens, CSRs, lifetimes) and how; the root kept in the database across restarts and
// replicas, encrypted at rest on request; an operator-supplied CA with an intermediate.
import { createPublicKey, X509Certificate } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { connect, createServer, type TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { status } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFakeClock, createTestDatabase } from "@weft/test-kit";
import { DEFAULT_CA_CONFIG } from "../src/env";
import { captureLogs, startTestController, type TestController } from "./harness";
import { caClient, grpcErrorOf, makeKeyAndCsr, makeOperatorCa, x509 } from "./pki";

const SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
const CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";

/** One round trip over mTLS: the server answers with the client's SAN; each side checks the other's SPIFFE ID. */
async function mtlsExchange(server: { key: string; cert: string }, client: { key: string; cert: string }, bundle: string, expectServerId: string): Promise<string> {
  const srv = createServer({ ...server, ca: bundle, requestCert: true, rejectUnauthorized: true }, (sock: TLSSocket) => {
    sock.end(`hello ${sock.getPeerCertificate().subjectaltname}`);
  });
  await new Promise<void>((resolve) => srv.listen(0, "127.0.0.1", resolve));
  try {
    const { port } = srv.address() as AddressInfo;
    return await new Promise<string>((resolve, reject) => {
      const sock = connect({
        host: "127.0.0.1",
        port,
        ...client,
        ca: bundle,
        checkServerIdentity: (_host, cert) => (cert.subjectaltname === `URI:${expectServerId}` ? undefined : new Error(`unexpected server ${cert.subjectaltname}`)),
      });
      let data = "";
      sock.on("data", (d) => (data += d));
      sock.on("end", () => resolve(data));
      sock.on("error", reject);
    });
  } finally {
    await new Promise<void>((resolve) => srv.close(() => resolve()));
  }
}

describe("issuing workload certificates", () => {
  let t: TestController;
  let logs: string[];
  let ca: ReturnType<typeof caClient>;
  let reviewsToken: string;

  beforeAll(async () => {
    const captured = captureLogs();
    logs = captured.lines;
    t = await startTestController({ log: captured.log });
    ca = caClient(t.controller.xdsAddress);
    reviewsToken = (await t.api.workloadTokens.create.mutate({ service: "reviews", ttlHours: 24 })).token;
  });
  afterAll(async () => {
    ca?.close();
    await t?.close();
  });

  it("signs a CSR for the token's identity, whatever the CSR asks, and the certificate works for mTLS", async () => {
    const reviews = await makeKeyAndCsr({ subject: "CN=admin", sans: [{ type: "url", value: "spiffe://weft.local/ns/kube-system/sa/admin" }, { type: "dns", value: "evil.example" }] });
    const before = Date.now();
    const reply = await ca.sign({ csr_pem: reviews.csrPem }, reviewsToken);
    expect(reply.spiffe_id).toBe("spiffe://weft.local/ns/default/sa/reviews");

    const cert = new X509Certificate(reply.certificate_pem);
    const bundle = new X509Certificate(reply.trust_bundle_pem);
    expect(cert.subjectAltName).toBe("URI:spiffe://weft.local/ns/default/sa/reviews");
    expect(cert.checkIssued(bundle)).toBe(true);
    expect(cert.verify(bundle.publicKey)).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.keyUsage).toEqual(expect.arrayContaining([SERVER_AUTH, CLIENT_AUTH]));
    expect(cert.serialNumber.toLowerCase()).toBe(reply.serial.toLowerCase());
    // 24 h by default (WEFT_CERT_TTL_HOURS), and the reply says when it ends.
    const notAfter = new Date(cert.validTo).getTime();
    expect(Number(reply.not_after.seconds) * 1000).toBe(notAfter);
    expect(notAfter - before).toBeGreaterThan(24 * 3_600_000 - 60_000);
    expect(notAfter - before).toBeLessThanOrEqual(24 * 3_600_000 + 1000);
    // It certifies the workload's own key (which never left it).
    expect(cert.publicKey.export({ format: "der", type: "spki" })).toEqual(createPublicKey(reviews.keyPem).export({ format: "der", type: "spki" }));

    // The trust bundle is what operators get from the API.
    const api = (await (await t.http("/api/v1/trust-bundle")).json()) as any;
    expect(api.pem).toBe(reply.trust_bundle_pem);
    expect(api).toMatchObject({ trustDomain: "weft.local", source: "generated", subject: bundle.subject.replace(/\n/g, ", ") });
    expect(api.fingerprintSha256).toBe(bundle.fingerprint256);

    // Two workloads authenticate each other with what the CA issued.
    const ratingsToken = (await t.api.workloadTokens.create.mutate({ service: "ratings", namespace: "default" })).token;
    const ratings = await makeKeyAndCsr({ key: { name: "ECDSA", namedCurve: "P-384" } });
    const ratingsReply = await ca.sign({ csr_pem: ratings.csrPem, ttl_seconds: 600 }, ratingsToken);
    expect(new Date(new X509Certificate(ratingsReply.certificate_pem).validTo).getTime() - Date.now()).toBeLessThanOrEqual(600_000);
    const greeting = await mtlsExchange(
      { key: ratings.keyPem, cert: ratingsReply.certificate_pem },
      { key: reviews.keyPem, cert: reply.certificate_pem },
      reply.trust_bundle_pem,
      "spiffe://weft.local/ns/default/sa/ratings",
    );
    expect(greeting).toBe("hello URI:spiffe://weft.local/ns/default/sa/reviews");
  });

  it("accepts RSA keys of 2048 bits", async () => {
    const rsa = await makeKeyAndCsr({ key: { name: "RSASSA-PKCS1-v1_5", modulusLength: 2048 } });
    const reply = await ca.sign({ csr_pem: rsa.csrPem }, reviewsToken);
    expect(new X509Certificate(reply.certificate_pem).subjectAltName).toBe("URI:spiffe://weft.local/ns/default/sa/reviews");
  });

  it("refuses missing, unknown, API and revoked tokens with UNAUTHENTICATED", async () => {
    const { csrPem } = await makeKeyAndCsr();
    const cases: Array<[string | undefined, RegExp]> = [
      [undefined, /send the workload's join token as metadata 'authorization: Bearer weft_jt_…'/],
      ["weft_jt_notarealtoken000000000000000000000000000", /unknown join token/],
      ["weft_test_token_0123456789abcdefghij", /not a join token: they start with "weft_jt_"/],
    ];
    for (const [token, message] of cases) {
      const err = await grpcErrorOf(ca.sign({ csr_pem: csrPem }, token));
      expect(err.code, String(token)).toBe(status.UNAUTHENTICATED);
      expect(err.details).toMatch(message);
    }
    const created = await t.api.workloadTokens.create.mutate({ service: "short" });
    await ca.sign({ csr_pem: csrPem }, created.token);
    expect((await t.api.workloadTokens.revoke.mutate({ id: created.workloadToken.id })).revoked).toBe(true);
    const revoked = await grpcErrorOf(ca.sign({ csr_pem: csrPem }, created.token));
    expect(revoked.code).toBe(status.UNAUTHENTICATED);
    expect(revoked.details).toMatch(/^join token weft_jt_\S{6}… was revoked at /);
  });

  it("refuses malformed, mis-signed and weak CSRs and out-of-range lifetimes with INVALID_ARGUMENT naming the field", async () => {
    const good = await makeKeyAndCsr();
    const der = Buffer.from(good.csrPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    der[der.length - 2] = der[der.length - 2]! ^ 0xff; // inside the signature value
    const tampered = x509.PemConverter.encode(der, "CERTIFICATE REQUEST");
    const weak = await makeKeyAndCsr({ key: { name: "RSASSA-PKCS1-v1_5", modulusLength: 1024 } });
    const certNotCsr = (await ca.sign({ csr_pem: good.csrPem }, reviewsToken)).certificate_pem;
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ csr_pem: "" }, /^csr_pem: not a PEM certificate request/],
      [{ csr_pem: certNotCsr }, /^csr_pem: not a PEM certificate request/],
      [{ csr_pem: "-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n" }, /^csr_pem: the certificate request could not be parsed/],
      [{ csr_pem: tampered }, /^csr_pem: the request's signature does not verify/],
      [{ csr_pem: weak.csrPem }, /^csr_pem: the key is RSA with 1024 bits; use ECDSA P-256/],
      [{ csr_pem: good.csrPem, ttl_seconds: 30 }, /^ttl_seconds: must be between 60 and 86400 seconds/],
      [{ csr_pem: good.csrPem, ttl_seconds: 86_401 }, /^ttl_seconds: must be between 60 and 86400 seconds/],
    ];
    for (const [req, message] of cases) {
      const err = await grpcErrorOf(ca.sign(req as never, reviewsToken));
      expect(err.code, String(message)).toBe(status.INVALID_ARGUMENT);
      expect(err.details).toMatch(message);
    }
  });

  it("logs each issuance with identity, serial and expiry, and never a token", async () => {
    const { csrPem } = await makeKeyAndCsr();
    const reply = await ca.sign({ csr_pem: csrPem }, reviewsToken);
    const issued = logs.map((l) => JSON.parse(l)).find((l) => l.msg === "issued a workload certificate" && l.serial === reply.serial);
    expect(issued).toMatchObject({ identity: "spiffe://weft.local/ns/default/sa/reviews", notAfter: expect.any(String), tokenId: expect.any(String) });
    expect(logs.some((l) => l.includes("created a workload join token"))).toBe(true);
    expect(logs.some((l) => l.includes("refused a certificate request"))).toBe(true);
    const all = logs.join("\n");
    expect(all).not.toContain(reviewsToken);
    expect(all).not.toContain("weft_jt_notarealtoken");
    expect(all).not.toMatch(/PRIVATE KEY/);
  });
});

describe("join tokens through the API", () => {
  let t: TestController;
  beforeAll(async () => {
    t = await startTestController();
  });
  afterAll(async () => {
    await t?.close();
  });

  it("shows the secret once, lists tokens without it, revokes them, over tRPC and REST", async () => {
    const created = await t.api.workloadTokens.create.mutate({ service: "not-registered-yet", namespace: "shop", ttlHours: 2 });
    expect(created.token).toMatch(/^weft_jt_[A-Za-z0-9_-]{43}$/);
    expect(created.workloadToken).toMatchObject({ service: "not-registered-yet", namespace: "shop", identity: "spiffe://weft.local/ns/shop/sa/not-registered-yet", revokedAt: null });
    expect(created.token.startsWith(created.workloadToken.prefix)).toBe(true);
    expect(new Date(created.workloadToken.expiresAt).getTime() - new Date(created.workloadToken.createdAt).getTime()).toBe(2 * 3_600_000);

    const rest = await t.http("/api/v1/workload-tokens", { method: "POST", body: JSON.stringify({ service: "payments" }) });
    expect(rest.status).toBe(200);
    const restBody = (await rest.json()) as any;
    expect(restBody.workloadToken).toMatchObject({ namespace: "default", createdBy: "admin (token bootstrap)" });

    const listed = (await (await t.http("/api/v1/workload-tokens")).json()) as any[];
    expect(listed.map((x) => x.service).sort()).toEqual(["not-registered-yet", "payments"]);
    expect(JSON.stringify(listed)).not.toContain(created.token);
    expect(JSON.stringify(listed)).not.toContain(restBody.token);

    expect((await t.http(`/api/v1/workload-tokens/${restBody.workloadToken.id}`, { method: "DELETE" })).status).toBe(200);
    const after = await t.api.workloadTokens.list.query();
    expect(after.find((x) => x.id === restBody.workloadToken.id)!.revokedAt).not.toBeNull();
    expect((await t.api.workloadTokens.revoke.mutate({ id: restBody.workloadToken.id })).revoked).toBe(false);
  });

  it("validates names and lifetimes, naming the field", async () => {
    const res = await t.http("/api/v1/workload-tokens", { method: "POST", body: JSON.stringify({ service: "Not A Name", ttlHours: 0 }) });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.data).toMatchObject({ weftCode: "WEFT_VALIDATION", field: "service" });
    expect(body.message).toMatch(/service: use lowercase letters/);
    expect(body.message).toMatch(/ttlHours: must be at least 1 hour/);
  });

  it("requires authentication for tokens and the trust bundle", async () => {
    for (const path of ["/api/v1/workload-tokens", "/api/v1/trust-bundle"]) {
      expect((await t.http(path, { auth: false })).status, path).toBe(401);
    }
  });
});

it("refuses an expired join token (injected clock)", async () => {
  const clock = createFakeClock(Date.now());
  const t = await startTestController({ clock });
  const ca = caClient(t.controller.xdsAddress);
  try {
    const { token } = await t.api.workloadTokens.create.mutate({ service: "reviews", ttlHours: 1 });
    const { csrPem } = await makeKeyAndCsr();
    clock.advance(59 * 60_000);
    await ca.sign({ csr_pem: csrPem }, token);
    clock.advance(60_000);
    const err = await grpcErrorOf(ca.sign({ csr_pem: csrPem }, token));
    expect(err.code).toBe(status.UNAUTHENTICATED);
    expect(err.details).toMatch(/^join token weft_jt_\S{6}… expired at .*; create a new one$/);
  } finally {
    ca.close();
    await t.close();
  }
});

describe("the root CA", () => {
  it("is generated once and shared: the same across restarts and between replicas", async () => {
    const database = await createTestDatabase();
    try {
      const first = await startTestController({ database });
      const bundle = (await first.api.ca.trustBundle.query()).pem;
      const replica = await startTestController({ database });
      expect((await replica.api.ca.trustBundle.query()).pem).toBe(bundle);
      await first.close();
      await replica.close();
      const restarted = await startTestController({ database });
      expect((await restarted.api.ca.trustBundle.query()).pem).toBe(bundle);
      // What a restarted controller issues chains to that same root.
      const ca = caClient(restarted.controller.xdsAddress);
      const { token } = await restarted.api.workloadTokens.create.mutate({ service: "reviews" });
      const reply = await ca.sign({ csr_pem: (await makeKeyAndCsr()).csrPem }, token);
      expect(new X509Certificate(reply.certificate_pem).verify(new X509Certificate(bundle).publicKey)).toBe(true);
      ca.close();
      await restarted.close();
    } finally {
      await database.drop();
    }
  });

  it("keeps its key encrypted at rest with WEFT_CA_KEY_ENCRYPTION_KEY, and refuses to start without the right key", async () => {
    const database = await createTestDatabase();
    const key = Buffer.alloc(32, 7);
    const withKey = (k?: Buffer) => ({ config: { ca: { ...DEFAULT_CA_CONFIG, ...(k ? { keyEncryptionKey: k } : {}) } }, database });
    try {
      // A key stored in plaintext first is sealed once a key is configured.
      const plain = await startTestController({ database });
      const bundle = (await plain.api.ca.trustBundle.query()).pem;
      await plain.close();
      expect((await database.db.certificateAuthority.findUnique({ where: { id: "root" } }))!.keyPem).toMatch(/BEGIN PRIVATE KEY/);

      const sealed = await startTestController(withKey(key));
      expect((await sealed.api.ca.trustBundle.query()).pem).toBe(bundle);
      await sealed.close();
      const row = (await database.db.certificateAuthority.findUnique({ where: { id: "root" } }))!;
      expect(row.keyEncrypted).toBe(true);
      expect(row.keyPem).toMatch(/^weft-aes256gcm:v1:/);
      expect(row.keyPem).not.toMatch(/PRIVATE KEY/);

      await expect(startTestController(withKey())).rejects.toThrow(/the CA key in the database is encrypted: set WEFT_CA_KEY_ENCRYPTION_KEY/);
      await expect(startTestController(withKey(Buffer.alloc(32, 8)))).rejects.toThrow(/WEFT_CA_KEY_ENCRYPTION_KEY does not decrypt the CA key/);
      const again = await startTestController(withKey(key));
      expect((await again.api.ca.trustBundle.query()).pem).toBe(bundle);
      await again.close();
    } finally {
      await database.drop();
    }
  });

  it("is generated encrypted on first start when a key is set", async () => {
    const t = await startTestController({ config: { ca: { ...DEFAULT_CA_CONFIG, keyEncryptionKey: Buffer.alloc(32, 1) } } });
    try {
      const row = (await t.database.db.certificateAuthority.findUnique({ where: { id: "root" } }))!;
      expect(row).toMatchObject({ keyEncrypted: true, keyPem: expect.stringMatching(/^weft-aes256gcm:v1:/) });
    } finally {
      await t.close();
    }
  });
});

describe("an operator-supplied CA", () => {
  let dir: string;
  let op: Awaited<ReturnType<typeof makeOperatorCa>>;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "weft-ca-"));
    op = await makeOperatorCa();
    writeFileSync(join(dir, "ca.pem"), `${op.intermediatePem}\n${op.rootPem}\n`);
    writeFileSync(join(dir, "ca-key.pem"), op.intermediateKeyPem);
    writeFileSync(join(dir, "other-key.pem"), (await makeKeyAndCsr()).keyPem);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("signs with the intermediate, sends it after the leaf, and publishes the root as the trust bundle", async () => {
    const t = await startTestController({
      config: { ca: { ...DEFAULT_CA_CONFIG, trustDomain: "mesh.example.com", operator: { certFile: join(dir, "ca.pem"), keyFile: join(dir, "ca-key.pem") } } },
    });
    const ca = caClient(t.controller.xdsAddress);
    try {
      const bundle = await t.api.ca.trustBundle.query();
      expect(bundle).toMatchObject({ source: "operator", trustDomain: "mesh.example.com" });
      expect(new X509Certificate(bundle.pem).fingerprint256).toBe(new X509Certificate(op.rootPem).fingerprint256);
      expect(await t.database.db.certificateAuthority.count()).toBe(0);

      const tokens = await Promise.all(["reviews", "ratings"].map(async (service) => (await t.api.workloadTokens.create.mutate({ service })).token));
      const [reviews, ratings] = await Promise.all([makeKeyAndCsr(), makeKeyAndCsr()]);
      const [a, b] = await Promise.all([ca.sign({ csr_pem: reviews!.csrPem }, tokens[0]), ca.sign({ csr_pem: ratings!.csrPem }, tokens[1])]);
      const chain = a!.certificate_pem.match(/-----BEGIN CERTIFICATE-----/g)!;
      expect(chain).toHaveLength(2);
      const leaf = new X509Certificate(a!.certificate_pem);
      expect(leaf.subjectAltName).toBe("URI:spiffe://mesh.example.com/ns/default/sa/reviews");
      expect(leaf.checkIssued(new X509Certificate(op.intermediatePem))).toBe(true);
      const greeting = await mtlsExchange(
        { key: ratings!.keyPem, cert: b!.certificate_pem },
        { key: reviews!.keyPem, cert: a!.certificate_pem },
        bundle.pem,
        "spiffe://mesh.example.com/ns/default/sa/ratings",
      );
      expect(greeting).toBe("hello URI:spiffe://mesh.example.com/ns/default/sa/reviews");
    } finally {
      ca.close();
      await t.close();
    }
  });

  it("refuses to start with a key that is not the CA's, or a certificate that is not a CA", async () => {
    const operator = (certFile: string, keyFile: string) => ({ config: { ca: { ...DEFAULT_CA_CONFIG, operator: { certFile: join(dir, certFile), keyFile: join(dir, keyFile) } } } });
    await expect(startTestController(operator("ca.pem", "other-key.pem"))).rejects.toThrow(/WEFT_CA_CERT_FILE: the private key does not belong to the CA certificate/);
    await expect(startTestController(operator("ca.pem", "missing.pem"))).rejects.toThrow(/WEFT_CA_KEY_FILE: cannot read .*missing\.pem \(ENOENT\)/);
    const t = await startTestController();
    const ca = caClient(t.controller.xdsAddress);
    const { token } = await t.api.workloadTokens.create.mutate({ service: "leaf" });
    writeFileSync(join(dir, "leaf.pem"), (await ca.sign({ csr_pem: (await makeKeyAndCsr()).csrPem }, token)).certificate_pem);
    ca.close();
    await t.close();
    await expect(startTestController(operator("leaf.pem", "ca-key.pem"))).rejects.toThrow(/WEFT_CA_CERT_FILE: the first certificate .* is not a CA/);
  });
});
