import { describe, expect, it } from "vitest";
import type { PeerCertificate } from "node:tls";
import { peerIdentityOf, sanMatches } from "./peer";

const cert = (subjectaltname: string) => ({ subjectaltname, subject: {} }) as unknown as PeerCertificate;

describe("peerIdentityOf", () => {
  it("takes the one SPIFFE ID of the trust domain, checked against the SAN matchers", () => {
    expect(peerIdentityOf(cert("URI:spiffe://weft.local/ns/shop/sa/reviews"), "weft.local", [])).toEqual({
      spiffeId: "spiffe://weft.local/ns/shop/sa/reviews",
      service: "reviews",
      namespace: "shop",
      identity: { service: "reviews", namespace: "shop", version: "" },
    });
    expect(peerIdentityOf(cert("URI:spiffe://other.mesh/ns/shop/sa/reviews"), "weft.local", [])).toBe(
      'spiffe://other.mesh/ns/shop/sa/reviews is from trust domain "other.mesh", not "weft.local"',
    );
    expect(peerIdentityOf(cert("DNS:reviews"), "weft.local", [])).toBe("certificate has 0 mesh SPIFFE IDs (URI SANs: none)");
    expect(peerIdentityOf(cert("URI:spiffe://weft.local/ns/a/sa/b, URI:spiffe://weft.local/ns/a/sa/c"), "weft.local", [])).toContain("has 2 mesh SPIFFE IDs");
    expect(peerIdentityOf(cert("URI:spiffe://weft.local/ns/shop/sa/reviews"), "weft.local", [{ kind: "exact", value: "spiffe://weft.local/ns/shop/sa/ratings" }])).toBe(
      'spiffe://weft.local/ns/shop/sa/reviews does not match the expected exact "spiffe://weft.local/ns/shop/sa/ratings"',
    );
    expect(peerIdentityOf({} as PeerCertificate, "weft.local", [])).toBe("no certificate");
  });

  it("matches SANs exactly, by prefix, suffix or substring; no matchers = any", () => {
    const id = "spiffe://weft.local/ns/shop/sa/reviews";
    expect(sanMatches(id, [])).toBe(true);
    expect(sanMatches(id, [{ kind: "prefix", value: "spiffe://weft.local/" }])).toBe(true);
    expect(sanMatches(id, [{ kind: "suffix", value: "/sa/reviews" }])).toBe(true);
    expect(sanMatches(id, [{ kind: "contains", value: "/ns/shop/" }])).toBe(true);
    expect(sanMatches(id, [{ kind: "exact", value: "x" }, { kind: "prefix", value: "spiffe://weft.local/ns/shop" }])).toBe(true);
    expect(sanMatches(id, [{ kind: "prefix", value: "spiffe://other/" }])).toBe(false);
  });
});
