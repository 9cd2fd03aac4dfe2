import { describe, expect, it } from "vitest";
import { parseSpiffeId, uriSans } from "./spiffe";

describe("uriSans", () => {
  it("reads URI SANs from node:tls subjectaltname text, plain or JSON-quoted", () => {
    expect(uriSans("DNS:localhost, URI:spiffe://weft.local/ns/default/sa/reviews, IP Address:127.0.0.1")).toEqual(["spiffe://weft.local/ns/default/sa/reviews"]);
    expect(uriSans('URI:"spiffe://a/ns/b/sa/c,d", URI:spiffe://x/ns/y/sa/z')).toEqual(["spiffe://a/ns/b/sa/c,d", "spiffe://x/ns/y/sa/z"]);
    expect(uriSans(undefined)).toEqual([]);
  });
});

describe("parseSpiffeId", () => {
  it("accepts only workload IDs of the mesh form", () => {
    expect(parseSpiffeId("spiffe://weft.local/ns/default/sa/reviews")).toEqual({
      uri: "spiffe://weft.local/ns/default/sa/reviews", trustDomain: "weft.local", namespace: "default", service: "reviews",
    });
    expect(parseSpiffeId("spiffe://weft.local/reviews")).toBeUndefined();
    expect(parseSpiffeId("https://weft.local/ns/default/sa/reviews")).toBeUndefined();
  });
});
