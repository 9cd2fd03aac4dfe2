import { describe, expect, it } from "vitest";
import { loginUrlFor, safeNextPath } from "./session";

describe("safeNextPath", () => {
  it("keeps same-origin paths with their query", () => {
    expect(safeNextPath("/services/abc?tab=routes")).toBe("/services/abc?tab=routes");
  });
  it("refuses other origins, protocol-relative and backslash tricks", () => {
    for (const bad of ["https://evil.example", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "services"]) {
      expect(safeNextPath(bad)).toBe("/");
    }
  });
  it("never loops back to the login page or into the API", () => {
    expect(safeNextPath("/login?next=/x")).toBe("/");
    expect(safeNextPath("/api/trpc/x")).toBe("/");
    expect(safeNextPath(null)).toBe("/");
  });
});

describe("loginUrlFor", () => {
  it("encodes where to come back to", () => {
    expect(loginUrlFor("/services/a b")).toBe("/login?next=%2Fservices%2Fa%20b");
    expect(loginUrlFor("/")).toBe("/login");
  });
});
