import { describe, expect, it } from "vitest";
import { flush, policyStack, reply } from "../../test/support/policy-stack";
import { ms } from "../../test/support/policy-fixtures";

describe("timeoutLayer", () => {
  it("answers 504 WEFT_UPSTREAM_TIMEOUT when the route timeout passes, and cancels the attempt", async () => {
    let signal: AbortSignal | undefined;
    const s = policyStack({ route: { route: { cluster: "svc.ns", timeout: ms(2000) } }, upstream: (c) => ((signal = c.ctx.signal), new Promise(() => undefined)) });
    const { ctx, done } = s.send();
    await flush();
    s.clock.advance(1999);
    await flush();
    expect(signal!.aborted).toBe(false);
    s.clock.advance(1);
    const res = await done;
    expect(res.status).toBe(504);
    expect(res.headers["x-weft-error"]).toBe("WEFT_UPSTREAM_TIMEOUT");
    expect(JSON.parse(String(res.body)).message).toBe('route "r": no response from cluster "svc.ns" within 2000 ms (route timeout)');
    expect(ctx.reason).toBe("upstream_timeout");
    expect(signal!.aborted).toBe(true);
  });

  it("defaults to 15 s as Envoy, and 0 means no timeout", async () => {
    const def = policyStack({ upstream: () => new Promise(() => undefined) });
    const a = def.send();
    await flush();
    def.clock.advance(14_999);
    def.clock.advance(1);
    expect((await a.done).status).toBe(504);

    let answer!: () => void;
    const none = policyStack({ route: { route: { cluster: "svc.ns", timeout: ms(0) } }, upstream: () => new Promise((r) => (answer = () => r(reply(200)))) });
    const b = none.send();
    await flush();
    none.clock.advance(3_600_000);
    expect(none.clock.pending()).toBe(0);
    answer();
    expect((await b.done).status).toBe(200);
  });

  it("spans retries and their backoff", async () => {
    const s = policyStack({
      route: { route: { cluster: "svc.ns", timeout: ms(100), retry_policy: { retry_on: "5xx", num_retries: { value: 5 }, retry_back_off: { base_interval: ms(80) } } } },
      random: () => 0.99,
      upstream: () => reply(503),
    });
    const { done } = s.send();
    await flush();
    s.clock.advance(79); // first backoff ~79 ms
    await flush();
    s.clock.advance(21); // the route timeout fires during the second backoff
    expect((await done).status).toBe(504);
    expect(s.calls).toHaveLength(2);
  });
});
