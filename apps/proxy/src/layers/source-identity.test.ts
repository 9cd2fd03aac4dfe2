import { describe, expect, it } from "vitest";
import { sourceIdentityLayer } from "./source-identity";
import { makeContext, terminalOk } from "../../test/support/runtime";

describe("sourceIdentityLayer", () => {
  it("stamps the caller identity on outbound, replacing what the app sent", async () => {
    const ctx = makeContext({ headers: { "x-weft-source": "admin.kube-system|v1" } });
    await sourceIdentityLayer({ mode: "stamp", self: { service: "productpage", namespace: "default", version: "v1" } })(terminalOk)(ctx);
    expect(ctx.headers["x-weft-source"]).toBe("productpage.default|v1");
  });

  it("reads and strips it on inbound; absent -> external, malformed -> unknown", async () => {
    const handler = sourceIdentityLayer({ mode: "read" })(terminalOk);
    const cases: Array<[string | undefined, string]> = [
      ["reviews.default|v2", "reviews"],
      [undefined, "external"],
      ["reviews", "unknown"],
      ["Reviews.default|v2", "unknown"],
    ];
    for (const [value, service] of cases) {
      const ctx = makeContext({ direction: "inbound", headers: value === undefined ? {} : { "x-weft-source": value } });
      await handler(ctx);
      expect(ctx.source.service, String(value)).toBe(service);
      expect(ctx.headers["x-weft-source"]).toBeUndefined();
    }
  });
});
