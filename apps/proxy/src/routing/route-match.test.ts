import { describe, expect, it } from "vitest";
import { findVirtualHost, hostOf, matchRoute } from "./route-match";
import { toRouteTables } from "../discovery/translate/routes";
import type { RouteTable } from "../core/runtime-config";
import type { RequestView } from "./request-view";

function table(virtualHosts: Array<Record<string, unknown>>): RouteTable {
  return toRouteTables([{ name: "t", virtual_hosts: virtualHosts }] as never).get("t")!;
}
const vh = (name: string, domains: string[], routes: Array<Record<string, unknown>> = [{ name: "default", match: { prefix: "/" }, route: { cluster: "c" } }]) => ({
  name,
  domains,
  routes,
});
const r = (name: string, match: Record<string, unknown>) => ({ name, match, route: { cluster: "c" } });
const req = (path: string, headers: Record<string, string> = {}, method = "GET", authority = "reviews"): RequestView => ({ method, authority, path, headers });

describe("findVirtualHost", () => {
  const t = table([
    vh("reviews.default", ["reviews", "reviews:9080", "reviews.default"]),
    vh("ratings.default", ["ratings:9080"]),
    vh("shop", ["*.shop.example"]),
    vh("api-shop", ["*-api.shop.example"]),
    vh("internal", ["internal.*"]),
  ]);
  const name = (authority: string, tbl = t) => findVirtualHost(tbl, authority)?.name;

  it("matches the exact authority, then the host without port", () => {
    expect(name("reviews:9080")).toBe("reviews.default");
    expect(name("reviews:1234")).toBe("reviews.default");
    expect(name("reviews.default")).toBe("reviews.default");
    expect(name("ratings:9080")).toBe("ratings.default");
  });

  it("does not match a domain registered only with another port, nor unknown hosts", () => {
    expect(name("ratings:1")).toBeUndefined();
    expect(name("ratings")).toBeUndefined();
    expect(name("details")).toBeUndefined();
  });

  it("matches suffix wildcards (longest first), then prefix wildcards, with or without port", () => {
    expect(name("www.shop.example")).toBe("shop");
    expect(name("www.shop.example:8080")).toBe("shop");
    expect(name("orders-api.shop.example")).toBe("api-shop");
    expect(name(".shop.example")).toBeUndefined(); // the wildcard stands for at least one character
    expect(name("internal.eu")).toBe("internal");
    expect(name("internal.eu:80")).toBe("internal");
  });

  it("falls back to the '*' virtual host", () => {
    expect(name("whatever:80", table([vh("a", ["a"]), vh("any", ["*"])]))).toBe("any");
  });

  it("strips ports but not IPv6 brackets", () => {
    expect(hostOf("a:80")).toBe("a");
    expect(hostOf("[::1]:80")).toBe("[::1]");
    expect(hostOf("[::1]")).toBe("[::1]");
  });
});

describe("matchRoute", () => {
  const v = table([
    vh("reviews.default", ["reviews"], [
      r("tester", { prefix: "/", headers: [{ name: "x-user", string_match: { exact: "tester" } }] }),
      r("api-beta", { prefix: "/api", headers: [{ name: "x-track", string_match: { prefix: "beta" } }] }),
      r("health", { path: "/health" }),
      r("no-debug", { prefix: "/debug", headers: [{ name: "x-debug", present_match: false }] }),
      r("items", { safe_regex: { regex: "/items/[0-9]+" } }),
      r("writes", { prefix: "/orders", headers: [{ name: ":method", string_match: { safe_regex: { regex: "POST|PUT" } } }] }),
      r("by-authority", { prefix: "/orders", headers: [{ name: ":authority", string_match: { suffix: ":9080" } }] }),
      r("json", { prefix: "/data", headers: [{ name: "accept", string_match: { contains: "json", ignore_case: true } }] }),
      r("not-mobile", { prefix: "/data", headers: [{ name: "user-agent", string_match: { contains: "Mobile" }, invert_match: true }] }),
      r("query", { prefix: "/search", query_parameters: [{ name: "q", string_match: { prefix: "weft" } }, { name: "debug" }] }),
      r("case", { prefix: "/CaSe", case_sensitive: { value: false } }),
      r("default", { prefix: "/api" }),
    ]),
  ]).virtualHosts[0]!;
  const name = (...a: Parameters<typeof req>) => matchRoute(v, req(...a))?.name;

  it("takes the first route whose matchers all hold", () => {
    expect(name("/api/x", { "x-user": "tester" })).toBe("tester");
    expect(name("/api/x", { "x-user": "other" })).toBe("default");
    expect(name("/api/x", { "x-track": "beta-2" })).toBe("api-beta");
    expect(name("/api/x", { "x-track": "alpha" })).toBe("default");
  });

  it("matches exact paths exactly, ignoring the query", () => {
    expect(name("/health")).toBe("health");
    expect(name("/health?verbose=1")).toBe("health");
    expect(name("/health/deep")).toBeUndefined();
  });

  it("supports absent (present_match: false) headers", () => {
    expect(name("/debug/vars")).toBe("no-debug");
    expect(name("/debug/vars", { "x-debug": "1" })).toBeUndefined();
  });

  it("matches paths with a full-match RE2 regex", () => {
    expect(name("/items/42")).toBe("items");
    expect(name("/items/42/reviews")).toBeUndefined();
    expect(name("/items/x")).toBeUndefined();
  });

  it("matches the method and the authority through pseudo-headers", () => {
    expect(name("/orders", {}, "POST")).toBe("writes");
    expect(name("/orders", {}, "GET")).toBeUndefined();
    expect(name("/orders", {}, "GET", "reviews:9080")).toBe("by-authority");
  });

  it("matches suffix/contains, ignore_case and inverted string matchers", () => {
    expect(name("/data", { accept: "Application/JSON" })).toBe("json");
    expect(name("/data", { accept: "text/html", "user-agent": "Desktop" })).toBe("not-mobile");
    expect(name("/data", { accept: "text/html", "user-agent": "X Mobile" })).toBeUndefined();
  });

  it("matches query parameters (value matcher, or presence)", () => {
    expect(name("/search?q=weft-mesh&debug")).toBe("query");
    expect(name("/search?debug=1&q=weft")).toBe("query");
    expect(name("/search?q=other&debug")).toBeUndefined();
    expect(name("/search?q=weft")).toBeUndefined();
  });

  it("matches case-insensitively when case_sensitive is false", () => {
    expect(name("/case/x")).toBe("case");
  });
});
