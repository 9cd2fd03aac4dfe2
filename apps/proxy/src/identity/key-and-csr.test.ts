import "reflect-metadata";
import { createPrivateKey, createPublicKey, webcrypto } from "node:crypto";
import * as x509 from "@peculiar/x509";
import { describe, expect, it } from "vitest";
import { createKeyAndCsr } from "./key-and-csr";

x509.cryptoProvider.set(webcrypto as never);

describe("createKeyAndCsr", () => {
  it("makes a P-256 key and a PKCS#10 request signed with it, naming the workload and asking for its SPIFFE ID", async () => {
    const { keyPem, csrPem } = await createKeyAndCsr("reviews", "shop", "example.org");
    const key = createPrivateKey(keyPem);
    expect(key.asymmetricKeyType).toBe("ec");
    expect(key.asymmetricKeyDetails?.namedCurve).toBe("prime256v1");

    // Parsed and checked by an independent PKCS#10 implementation (the one the controller's CA uses).
    const csr = new x509.Pkcs10CertificateRequest(csrPem);
    expect(await csr.verify()).toBe(true);
    expect(csr.subject).toBe("CN=reviews.shop");
    expect(csr.signatureAlgorithm).toMatchObject({ name: "ECDSA", hash: { name: "SHA-256" } });
    const [san, ...others] = csr.extensions;
    expect(others).toEqual([]);
    expect(san).toBeInstanceOf(x509.SubjectAlternativeNameExtension);
    expect((san as x509.SubjectAlternativeNameExtension).names.toJSON()).toEqual([{ type: "url", value: "spiffe://example.org/ns/shop/sa/reviews" }]);
    // The request carries the public half of exactly this key.
    const spki = Buffer.from(csr.publicKey.rawData);
    expect(spki.equals(createPublicKey(key).export({ type: "spki", format: "der" }))).toBe(true);
  });

  it("makes a different key every time", async () => {
    const [a, b] = await Promise.all([createKeyAndCsr("reviews", "shop"), createKeyAndCsr("reviews", "shop")]);
    expect(a.keyPem).not.toBe(b.keyPem);
  });
});
