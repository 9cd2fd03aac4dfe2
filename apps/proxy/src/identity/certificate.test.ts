import { describe, expect, it } from "vitest";
import { createTestCa } from "@weft/test-kit";
import { toWorkloadCertificate } from "./certificate";
import { createKeyAndCsr } from "./key-and-csr";

describe("toWorkloadCertificate", () => {
  it("accepts a certificate for our key that chains to the bundle, with its SPIFFE ID and validity", async () => {
    const ca = await createTestCa();
    const { keyPem, csrPem } = await createKeyAndCsr("reviews", "default");
    const certPem = await ca.signCsr(csrPem, "reviews", "default", 3_600_000);
    const cert = toWorkloadCertificate(keyPem, certPem, ca.certPem);
    expect(cert.spiffe.uri).toBe("spiffe://weft.local/ns/default/sa/reviews");
    expect(cert.notAfter - cert.notBefore).toBeGreaterThan(3_600_000);
    expect(cert.keyPem).toContain("BEGIN PRIVATE KEY");
  });

  it("refuses a certificate for another key, from another CA, or without a SPIFFE ID", async () => {
    const ca = await createTestCa();
    const other = await createTestCa();
    const mine = await createKeyAndCsr("reviews", "default");
    const theirs = await createKeyAndCsr("reviews", "default");
    const certForTheirs = await ca.signCsr(theirs.csrPem, "reviews");
    expect(() => toWorkloadCertificate(mine.keyPem, certForTheirs, ca.certPem)).toThrow("does not belong to this sidecar's private key");
    const fromOther = await other.signCsr(mine.csrPem, "reviews");
    expect(() => toWorkloadCertificate(mine.keyPem, fromOther, ca.certPem)).toThrow("not signed by the trust bundle");
    expect(() => toWorkloadCertificate(mine.keyPem, "nope", ca.certPem)).toThrow("certificate_pem holds no PEM certificate");
  });
});
