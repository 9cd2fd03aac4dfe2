import { describe, expect, it } from "vitest";
import { policyStack, reply } from "../../test/support/policy-stack";
import { policyFilters, rateLimitConfig, rateLimitFilter, routerFilter } from "../../test/support/policy-fixtures";

describe("rateLimitLayer", () => {
  it("lets max_tokens through, then answers 429 with retry-after until the bucket refills on the clock", async () => {
    const s = policyStack({
      httpFilters: policyFilters(),
      route: { typed_per_filter_config: { "envoy.filters.http.local_ratelimit": rateLimitConfig(3, 2000, 2) } },
      upstream: () => reply(200),
    });
    const statuses = async (n: number) => {
      const out: number[] = [];
      for (let i = 0; i < n; i++) out.push((await s.send().done).status);
      return out;
    };
    expect(await statuses(4)).toEqual([200, 200, 200, 429]);
    const { ctx, done } = s.send();
    const limited = await done;
    expect(limited.headers["retry-after"]).toBe("2");
    expect(limited.headers["x-weft-error"]).toBe("WEFT_RATE_LIMITED");
    expect(ctx.reason).toBe("rate_limited");
    s.clock.advance(1999);
    expect(await statuses(1)).toEqual([429]);
    s.clock.advance(1); // one interval: +2 tokens
    expect(await statuses(3)).toEqual([200, 200, 429]);
    s.clock.advance(60_000); // refills cap at max_tokens
    expect(await statuses(4)).toEqual([200, 200, 200, 429]);
    expect(s.calls).toHaveLength(8);
  });

  it("counts without rejecting when filter_enforced is 0% (shadow mode), the Envoy default", async () => {
    const s = policyStack({
      httpFilters: [rateLimitFilter({ stat_prefix: "l", token_bucket: { max_tokens: 1, fill_interval: { seconds: 1 } }, filter_enabled: { default_value: { numerator: 100 } } }), routerFilter],
      upstream: () => reply(200),
    });
    for (let i = 0; i < 3; i++) expect((await s.send().done).status).toBe(200);
  });
});
