import { describe, expect, it } from "vitest";
import type { HeaderMatcher, Route, RouteTable, VirtualHost } from "../core/runtime-config";
import { findVirtualHost, hostOf, matchRoute } from "./route-match";

function route(name: string, path: Route["path"], headers: HeaderMatcher[] = []): Route {
  return { name, path, headers, clusters: [{ name: "c", weight: 1 }], totalWeight: 1 };
}
function vhost(name: string, domains: string[], routes: Route[] = [route("default", { kind: "prefix", value: "/" })]): VirtualHost {
  return { name, domains, routes, identity: undefined };
}
function table(vhosts: VirtualHost[]): RouteTable {
  const byDomain = new Map<string, VirtualHost>();
  for (const v of vhosts) for (const d of v.domains) if (d !== "*") byDomain.set(d, v);
  return { name: "t", virtualHosts: vhosts, byDomain, wildcard: vhosts.find((v) => v.domains.includes("*")), knownHosts: "" };
}

describe("findVirtualHost", () => {
  const reviews = vhost("reviews.default", ["reviews", "reviews:9080", "reviews.default"]);
  const ratingsOnPort = vhost("ratings.default", ["ratings:9080"]);
  const t = table([reviews, ratingsOnPort]);

  it("matches the exact authority, then the host without port", () => {
    expect(findVirtualHost(t, "reviews:9080")).toBe(reviews);
    expect(findVirtualHost(t, "reviews:1234")).toBe(reviews);
    expect(findVirtualHost(t, "reviews.default")).toBe(reviews);
    expect(findVirtualHost(t, "ratings:9080")).toBe(ratingsOnPort);
  });

  it("does not match a domain registered only with another port, nor unknown hosts", () => {
    expect(findVirtualHost(t, "ratings:1")).toBeUndefined();
    expect(findVirtualHost(t, "ratings")).toBeUndefined();
    expect(findVirtualHost(t, "details")).toBeUndefined();
  });

  it("falls back to the '*' virtual host", () => {
    const any = vhost("any", ["*"]);
    expect(findVirtualHost(table([reviews, any]), "whatever:80")).toBe(any);
  });

  it("strips ports but not IPv6 brackets", () => {
    expect(hostOf("a:80")).toBe("a");
    expect(hostOf("[::1]:80")).toBe("[::1]");
    expect(hostOf("[::1]")).toBe("[::1]");
  });
});

describe("matchRoute", () => {
  const v = vhost("reviews.default", ["reviews"], [
    route("tester", { kind: "prefix", value: "/" }, [{ name: "x-user", kind: "exact", value: "tester", invert: false }]),
    route("api-beta", { kind: "prefix", value: "/api" }, [{ name: "x-track", kind: "prefix", value: "beta", invert: false }]),
    route("health", { kind: "exact", value: "/health" }),
    route("no-debug", { kind: "prefix", value: "/debug" }, [{ name: "x-debug", kind: "present", value: "", invert: true }]),
    route("default", { kind: "prefix", value: "/api" }),
  ]);
  const name = (path: string, headers: Record<string, string> = {}) => matchRoute(v, path, headers)?.name;

  it("takes the first route whose matchers all hold", () => {
    expect(name("/api/x", { "x-user": "tester" })).toBe("tester");
    expect(name("/api/x", { "x-user": "other" })).toBe("default");
    expect(name("/api/x", { "x-track": "beta-2" })).toBe("api-beta");
    expect(name("/api/x", { "x-track": "alpha" })).toBe("default");
  });

  it("matches exact paths exactly", () => {
    expect(name("/health")).toBe("health");
    expect(name("/health/deep")).toBeUndefined();
  });

  it("supports present with invert", () => {
    expect(name("/debug/vars")).toBe("no-debug");
    expect(name("/debug/vars", { "x-debug": "1" })).toBeUndefined();
  });

  it("returns undefined when nothing matches", () => {
    expect(name("/other")).toBeUndefined();
  });
});
