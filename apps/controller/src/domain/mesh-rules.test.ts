import { describe, expect, it } from "vitest";
import type { RouteMatch } from "@weft/contracts";
import { checkBackends, checkNoShadowedRoutes, checkVersionRemovable, describeSplit, placeRoute } from "./mesh-rules";
import type { RouteState } from "./mesh-state";
import { serviceFixture } from "./service-fixture";

const prefix = (value: string, headers: RouteMatch["headers"] = []): RouteMatch => ({ path: { type: "prefix", value }, headers });
const route = (id: string, match: RouteMatch, backends: RouteState["backends"] = [], policy: RouteState["policy"] = {}): RouteState => ({
  id,
  name: id,
  priority: 0,
  match,
  backends,
  policy,
});
const service = serviceFixture;

describe("checkBackends", () => {
  it("names the index of an unknown version and lists the known ones", () => {
    expect(() => checkBackends(service(), [{ version: "v1", weight: 50 }, { version: "v9", weight: 50 }])).toThrow(
      'backends.1.version: version "v9" does not exist on service "reviews" (versions: v1, v2)',
    );
  });
  it("accepts known versions and the empty split", () => {
    expect(() => checkBackends(service(), [{ version: "v2", weight: 100 }])).not.toThrow();
    expect(() => checkBackends(service(), [])).not.toThrow();
  });
});

describe("placeRoute", () => {
  it("puts a specific route before trailing catch-alls and renumbers 0..n-1", () => {
    const routes = [route("a", prefix("/a")), route("default", prefix("/"))].map((r, i) => ({ ...r, priority: i }));
    const placed = placeRoute(routes, route("", prefix("/b")));
    expect(placed.map((r) => [r.id, r.priority])).toEqual([["a", 0], ["", 1], ["default", 2]]);
  });
  it("honours an explicit position", () => {
    const routes = [route("a", prefix("/a")), route("b", prefix("/b"))];
    expect(placeRoute(routes, route("c", prefix("/c")), 0).map((r) => r.id)).toEqual(["c", "a", "b"]);
  });
  it("moves an existing route without duplicating it", () => {
    const routes = [route("a", prefix("/a")), route("b", prefix("/b")), route("c", prefix("/c"))];
    expect(placeRoute(routes, routes[2]!, 0).map((r) => r.id)).toEqual(["c", "a", "b"]);
  });
});

describe("checkNoShadowedRoutes", () => {
  it("refuses a route after one that matches everything it would", () => {
    expect(() => checkNoShadowedRoutes([route("all", prefix("/")), route("api", prefix("/api"))])).toThrow(/route "api" would never match: route "all" comes first/);
    expect(() => checkNoShadowedRoutes([route("api", prefix("/api")), route("api-v2", prefix("/api/v2"))])).toThrow(/"api-v2" would never match/);
  });
  it("accepts header-conditioned routes before a catch-all and specific before general", () => {
    expect(() =>
      checkNoShadowedRoutes([route("testers", prefix("/", [{ name: "x-user", type: "exact", value: "t", invert: false }])), route("all", prefix("/"))]),
    ).not.toThrow();
    expect(() => checkNoShadowedRoutes([route("api", prefix("/api")), route("all", prefix("/"))])).not.toThrow();
  });
  it("treats methods, authority and query conditions as conditions, and regex paths conservatively", () => {
    const gets: RouteMatch = { ...prefix("/"), methods: ["GET"] };
    const byHost: RouteMatch = { ...prefix("/"), authority: { type: "suffix", value: ".internal" } };
    const byQuery: RouteMatch = { ...prefix("/"), queryParams: [{ name: "debug", type: "present" }] };
    for (const m of [gets, byHost, byQuery]) expect(() => checkNoShadowedRoutes([route("cond", m), route("all", prefix("/"))])).not.toThrow();
    const regex: RouteMatch = { path: { type: "regex", value: "/api/v[0-9]+" }, headers: [] };
    // "/" covers any regex; another prefix cannot be proven to, nor can a regex cover a prefix.
    expect(() => checkNoShadowedRoutes([route("all", prefix("/")), route("re", regex)])).toThrow(/"re" would never match/);
    expect(() => checkNoShadowedRoutes([route("api", prefix("/api")), route("re", regex)])).not.toThrow();
    expect(() => checkNoShadowedRoutes([route("re", regex), route("api", prefix("/api"))])).not.toThrow();
    expect(() => checkNoShadowedRoutes([route("re", regex), route("re2", regex)])).toThrow(/"re2" would never match/);
  });
});

describe("checkVersionRemovable", () => {
  it("refuses while a split sends traffic to it, and while it has healthy endpoints", () => {
    const used = service({ routes: [route("default", prefix("/"), [{ version: "v2", weight: 100 }])] });
    expect(() => checkVersionRemovable(used, "v2id")).toThrow(/used by the split of route "default"/);
    const serving = service({
      endpoints: [{ id: "e", versionId: "v2id", address: "10.0.0.1", port: 80, weight: 1, health: "healthy", source: "api", proxyId: null, lastSeenAt: null }],
    });
    expect(() => checkVersionRemovable(serving, "v2id")).toThrow(/still has 1 healthy endpoint/);
    const mirrored = service({ routes: [route("default", prefix("/"), [], { mirror: { version: "v2", percent: 5 } })] });
    expect(() => checkVersionRemovable(mirrored, "v2id")).toThrow(/receives mirrored traffic from route "default"/);
    expect(() => checkVersionRemovable(service(), "v2id")).not.toThrow();
  });
});

it("describes splits for revision summaries", () => {
  expect(describeSplit([])).toBe("all versions");
  expect(describeSplit([{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }])).toBe("v1 80% / v2 20%");
});
