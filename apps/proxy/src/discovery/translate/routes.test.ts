import { describe, expect, it } from "vitest";
import { toRouteTables } from "./routes";
import { routeConfig, serviceHost } from "../../../test/support/xds-fixtures";

const translate = (...vhosts: Array<Record<string, unknown>>) => toRouteTables([routeConfig("weft.outbound", vhosts)] as never);
const reason = (...vhosts: Array<Record<string, unknown>>) => {
  try {
    translate(...vhosts);
  } catch (err) {
    return (err as Error).message;
  }
  return "accepted";
};
const withRoute = (route: Record<string, unknown>) => ({ name: "reviews.default", domains: ["reviews"], routes: [route] });

describe("toRouteTables", () => {
  it("translates the controller's virtual host (docs/xds.md)", () => {
    const table = translate(
      serviceHost("reviews", "default", 9080, [
        { name: "api-v2-header", prefix: "/", headers: [{ name: "X-User", string_match: { exact: "tester" } }], cluster: "reviews.default|v2" },
        { name: "default", prefix: "/", split: [["reviews.default|v1", 80], ["reviews.default|v2", 0], ["reviews.default|v3", 20]] },
      ]),
    ).get("weft.outbound")!;
    const vhost = table.byDomain.get("reviews.default.svc:9080")!;
    expect(vhost.identity).toEqual({ service: "reviews", namespace: "default", version: "" });
    expect(vhost.routes[0]).toEqual({
      name: "api-v2-header",
      path: { kind: "prefix", value: "/" },
      headers: [{ name: "x-user", kind: "exact", value: "tester", invert: false }],
      clusters: [{ name: "reviews.default|v2", weight: 1 }],
      totalWeight: 1,
    });
    // zero-weight legs are dropped
    expect(vhost.routes[1]!.clusters).toEqual([{ name: "reviews.default|v1", weight: 80 }, { name: "reviews.default|v3", weight: 20 }]);
    expect(vhost.routes[1]!.totalWeight).toBe(100);
    expect(table.knownHosts).toBe("reviews");
  });

  it("translates prefix/present/invert header matchers and exact paths", () => {
    const table = translate(
      withRoute({
        name: "r",
        match: {
          path: "/health",
          headers: [
            { name: "x-a", string_match: { prefix: "be" }, invert_match: true },
            { name: "x-b", present_match: true },
            { name: "x-c", present_match: false },
          ],
        },
        route: { cluster: "c" },
      }),
    ).get("weft.outbound")!;
    const r = table.virtualHosts[0]!.routes[0]!;
    expect(r.path).toEqual({ kind: "exact", value: "/health" });
    expect(r.headers).toEqual([
      { name: "x-a", kind: "prefix", value: "be", invert: true },
      { name: "x-b", kind: "present", value: "", invert: false },
      { name: "x-c", kind: "present", value: "", invert: true },
    ]);
  });

  it("NACKs with the resource and field", () => {
    const vh = (routes: Array<Record<string, unknown>>) => ({ name: "reviews.default", domains: ["reviews"], routes });
    expect(reason(vh([{ match: { prefix: "/" }, route: { weighted_clusters: { clusters: [{ name: "a", weight: { value: 0 } }] } } }]))).toBe(
      'route "weft.outbound" virtual_host "reviews.default" route[0]: weighted_clusters weights sum to 0',
    );
    expect(reason(withRoute({ match: { safe_regex: { regex: "." } }, route: { cluster: "c" } }))).toBe(
      'route "weft.outbound" virtual_host "reviews.default" route[0]: match.safe_regex not supported yet',
    );
    expect(reason(withRoute({ match: { prefix: "/", headers: [{ name: "x", string_match: { suffix: "z" } }] }, route: { cluster: "c" } }))).toBe(
      'route "weft.outbound" virtual_host "reviews.default" route[0] match.headers[0]: string_match.suffix not supported yet',
    );
    expect(reason(withRoute({ match: { prefix: "/", headers: [{ name: "x", exact_match: "z" }] }, route: { cluster: "c" } }))).toContain(
      "exact_match not supported yet; use string_match.exact",
    );
    expect(reason(withRoute({ match: { prefix: "/" }, redirect: { path_redirect: "/x" } }))).toContain("redirect action not supported yet");
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c", prefix_rewrite: "/v2" } }))).toContain("route.prefix_rewrite not supported yet");
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster_header: "x-cluster" } }))).toContain("route.cluster_header not supported yet");
    expect(reason({ name: "a", domains: ["*.example.com"], routes: [] })).toContain('wildcard domain "*.example.com" not supported yet');
    expect(reason({ name: "a", domains: [] })).toBe('route "weft.outbound" virtual_host "a": domains is empty');
    expect(reason({ name: "a", domains: ["x"] }, { name: "b", domains: ["x"] })).toBe(
      'route "weft.outbound" virtual_host "b": domain "x" is also claimed by virtual_host "a"',
    );
  });
});
