import { describe, expect, it } from "vitest";
import { activeNavItem } from "./nav-items";

describe("activeNavItem", () => {
  it("matches sections and their sub-pages, not look-alikes", () => {
    expect(activeNavItem("/")?.label).toBe("Service graph");
    expect(activeNavItem("/services")?.label).toBe("Services");
    expect(activeNavItem("/services/svc_1")?.label).toBe("Services");
    expect(activeNavItem("/servicesx")).toBeUndefined();
    expect(activeNavItem("/revisions")?.label).toBe("Revisions");
    expect(activeNavItem("/traces/4bf92f3577b34da6a3ce929d0e0e4736")?.label).toBe("Traces");
  });
});
