import { describe, expect, it } from "vitest";
import { policyStack, reply } from "../../test/support/policy-stack";

describe("headerMutationLayer and pathRewriteLayer", () => {
  it("adds, sets and removes request and response headers at route and virtual host level", async () => {
    const s = policyStack({
      route: {
        request_headers_to_add: [
          { header: { key: "x-route", value: "r" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" },
          { header: { key: "x-keep", value: "new" }, append_action: "ADD_IF_ABSENT" },
          { header: { key: "x-multi", value: "b" }, append_action: "APPEND_IF_EXISTS_OR_ADD" },
        ],
        request_headers_to_remove: ["x-secret"],
        response_headers_to_add: [{ header: { key: "x-served-by", value: "weft" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }],
        response_headers_to_remove: ["server"],
      },
      vhost: { request_headers_to_add: [{ header: { key: "x-vhost", value: "v" } }] },
      upstream: () => reply(200, { server: "app", "x-served-by": "app" }),
    });
    const res = await s.send({ headers: { "x-route": "client", "x-keep": "client", "x-multi": "a", "x-secret": "s" } }).done;
    const h = s.calls[0]!.headers;
    expect(h["x-route"]).toBe("r");
    expect(h["x-keep"]).toBe("client");
    expect(h["x-multi"]).toBe("a,b");
    expect(h["x-vhost"]).toBe("v");
    expect(h["x-secret"]).toBeUndefined();
    expect(res.headers).toEqual({ "x-served-by": "weft" });
  });

  it("rewrites the matched prefix, keeping the rest of the path and the query", async () => {
    const s = policyStack({ route: { match: { prefix: "/api/v1" }, route: { cluster: "svc.ns", prefix_rewrite: "/v2" } }, upstream: () => reply(200) });
    await s.send({ path: "/api/v1/items/7?x=1" }).done;
    await s.send({ path: "/api/v1?x=1" }).done;
    const exact = policyStack({ route: { match: { path: "/old" }, route: { cluster: "svc.ns", prefix_rewrite: "/" } }, upstream: () => reply(200) });
    await exact.send({ path: "/old?q" }).done;
    expect([...s.calls.map((c) => c.path), exact.calls[0]!.path]).toEqual(["/v2/items/7?x=1", "/v2?x=1", "/?q"]);
  });
});
