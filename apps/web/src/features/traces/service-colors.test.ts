import { describe, expect, it } from "vitest";
import { serviceColor } from "./service-colors";

describe("serviceColor", () => {
  it("gives each listed service its own colour and an unknown one a neutral grey", () => {
    const list = ["catalog.default", "storefront.default"];
    expect(serviceColor(list, "catalog.default")).toBe("var(--v0)");
    expect(serviceColor(list, "storefront.default")).toBe("var(--v1)");
    expect(serviceColor(list, "ratings.default")).toBe("var(--faint)");
  });
});
