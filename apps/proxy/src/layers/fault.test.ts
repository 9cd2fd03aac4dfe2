import { describe, expect, it } from "vitest";
import { flush, policyStack, reply } from "../../test/support/policy-stack";
import { faultConfig, faultFilter, policyFilters, routerFilter } from "../../test/support/policy-fixtures";

const withFault = (f: Parameters<typeof faultConfig>[0]) => ({ route: { typed_per_filter_config: { "envoy.filters.http.fault": faultConfig(f) } } });

describe("faultLayer", () => {
  it("aborts with the configured status for the configured share of requests (injected random)", async () => {
    let draw = 0;
    const draws = Array.from({ length: 100 }, (_, i) => i / 100);
    const s = policyStack({ httpFilters: policyFilters(), ...withFault({ abortStatus: 503, abortPercent: 30 }), random: () => draws[draw++ % 100]!, upstream: () => reply(200) });
    const statuses: number[] = [];
    for (let i = 0; i < 100; i++) statuses.push((await s.send().done).status);
    // 30% of a uniform sweep (the round-robin start takes one draw of the sequence too).
    expect(Math.abs(statuses.filter((x) => x === 503).length - 30)).toBeLessThanOrEqual(1);
    const { ctx, done } = s.send();
    draw = 0;
    const res = await done;
    expect(res.headers["x-weft-error"]).toBe("WEFT_FAULT_INJECTED");
    expect(ctx.reason).toBe("fault_injected");
    expect(s.calls.length).toBe(statuses.filter((x) => x === 200).length);
  });

  it("delays by fixed_delay on the clock, then forwards", async () => {
    const s = policyStack({ httpFilters: policyFilters(), ...withFault({ delayMs: 500 }), upstream: () => reply(200) });
    const { ctx, done } = s.send();
    await flush();
    expect(s.calls).toHaveLength(0);
    s.clock.advance(499);
    await flush();
    expect(s.calls).toHaveLength(0);
    s.clock.advance(1);
    expect((await done).status).toBe(200);
    expect(ctx.reason).toBe("fault_delayed");
  });

  it("applies only to requests with the trigger header", async () => {
    const s = policyStack({ httpFilters: policyFilters(), ...withFault({ abortStatus: 418, header: "x-chaos" }), upstream: () => reply(200) });
    expect((await s.send().done).status).toBe(200);
    expect((await s.send({ headers: { "x-chaos": "1" } }).done).status).toBe(418);
  });

  it("uses the listener-wide config without a route override, and does nothing without the filter in the HCM", async () => {
    const listenerWide = policyStack({ httpFilters: [faultFilter(faultConfig({ abortStatus: 500 })), routerFilter], upstream: () => reply(200) });
    expect((await listenerWide.send().done).status).toBe(500);
    const noFilter = policyStack({ ...withFault({ abortStatus: 500 }), upstream: () => reply(200) });
    expect((await noFilter.send().done).status).toBe(200);
  });
});
