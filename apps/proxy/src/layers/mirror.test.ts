import { describe, expect, it } from "vitest";
import { policyStack, reply, flush } from "../../test/support/policy-stack";

describe("mirrorLayer", () => {
  it("mirrors the configured share to the mirror cluster with a -shadow host, fire and forget", async () => {
    let n = 0;
    const s = policyStack({
      extraClusters: [{ name: "shadow.ns", ports: [9] }],
      random: () => (n++ % 4) / 4, // 0, .25, .5, .75: 2 of 4 below 0.5
      route: { route: { cluster: "svc.ns", request_mirror_policies: [{ cluster: "shadow.ns", runtime_fraction: { default_value: { numerator: 50 } } }] } },
      upstream: (c) => (c.port === 9 ? new Promise(() => undefined) : reply(200)),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await s.send({ headers: { host: "svc:80" } }).done).status);
    await flush();
    expect(statuses).toEqual([200, 200, 200, 200]); // the mirror never answers; the primary is unaffected
    const shadowCalls = s.calls.filter((c) => c.port === 9);
    expect(shadowCalls.length).toBeGreaterThanOrEqual(1);
    expect(shadowCalls[0]!.headers.host).toBe("svc-shadow");
    // Stuck mirrors are cancelled after 15 s.
    s.clock.advance(15_000);
    expect(shadowCalls[0]!.ctx.signal!.aborted).toBe(true);
  });
});
