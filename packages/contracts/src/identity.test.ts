import { expect, it } from "vitest";
import { TrustDomainSchema } from "./identity";
import { parseSpiffeId, spiffeId } from "./spiffe";

it("builds and parses workload SPIFFE IDs", () => {
  expect(spiffeId("weft.local", "shop", "reviews")).toBe("spiffe://weft.local/ns/shop/sa/reviews");
  expect(parseSpiffeId("spiffe://mesh.example.com/ns/default/sa/ratings")).toEqual({ trustDomain: "mesh.example.com", namespace: "default", service: "ratings" });
  expect(parseSpiffeId("spiffe://weft.local/ns/default")).toBeUndefined();
  expect(parseSpiffeId("https://weft.local/ns/a/sa/b")).toBeUndefined();
});

it("accepts DNS-like trust domains only", () => {
  expect(TrustDomainSchema.safeParse("weft.local").success).toBe(true);
  expect(TrustDomainSchema.safeParse("Weft.Local").success).toBe(false);
  expect(TrustDomainSchema.safeParse("weft/local").success).toBe(false);
});
