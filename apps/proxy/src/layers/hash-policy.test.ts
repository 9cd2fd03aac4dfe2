import { describe, expect, it } from "vitest";
import { policyStack, reply } from "../../test/support/policy-stack";

const ring = { cluster: { lb_policy: "RING_HASH" }, ports: [1, 2, 3, 4, 5] };

describe("hashPolicyLayer", () => {
  it("sends requests with the same header value to the same endpoint", async () => {
    const s = policyStack({ ...ring, route: { route: { cluster: "svc.ns", hash_policy: [{ header: { header_name: "x-user" } }] } }, upstream: () => reply(200) });
    const portFor = async (user: string) => {
      const { ctx, done } = s.send({ headers: { "x-user": user } });
      await done;
      return ctx.endpoint!.port;
    };
    const seen = new Set<number>();
    for (const user of ["ann", "bob", "cy", "dee", "ed", "flo"]) {
      const port = await portFor(user);
      seen.add(port);
      for (let i = 0; i < 3; i++) expect(await portFor(user)).toBe(port);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it("generates the cookie when absent, sets it on the response, and sticks to its endpoint", async () => {
    let r = 0;
    const s = policyStack({
      ...ring,
      random: () => ((r = (r * 7 + 3) % 11), r / 11),
      route: { route: { cluster: "svc.ns", hash_policy: [{ cookie: { name: "weft-affinity", ttl: { seconds: 3600 }, path: "/" } }] } },
      upstream: () => reply(200, { "set-cookie": "app=1" }),
    });
    const first = s.send();
    const res = await first.done;
    const cookies = res.headers["set-cookie"] as string[];
    expect(cookies[0]).toBe("app=1");
    expect(cookies[1]).toMatch(/^weft-affinity=[0-9a-f]{16}; Max-Age=3600; Path=\/; HttpOnly$/);
    const value = cookies[1]!.split(";")[0]!;
    for (let i = 0; i < 5; i++) {
      const again = s.send({ headers: { cookie: `other=x; ${value}` } });
      const res2 = await again.done;
      expect(again.ctx.endpoint!.port).toBe(first.ctx.endpoint!.port);
      expect(res2.headers["set-cookie"]).toBe("app=1");
    }
  });
});
