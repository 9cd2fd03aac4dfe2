import { describe, expect, it } from "vitest";
import type { RouteMatch } from "@weft/contracts";
import { catchAllBackends, endpointCounts, matchSummary, orderedEndpoints, orderedRoutes, versionNames } from "./service-model";

const match = (value: string, headers: RouteMatch["headers"] = []): RouteMatch => ({ path: { type: "prefix", value }, headers });

describe("service-model", () => {
  it("counts endpoints by health", () => {
    expect(endpointCounts([{ health: "healthy" }, { health: "healthy" }, { health: "draining" }, { health: "unhealthy" }])).toEqual({
      healthy: 2,
      unhealthy: 1,
      draining: 1,
      total: 4,
    });
  });

  it("sorts version names", () => {
    expect(versionNames({ versions: [{ name: "v2" }, { name: "v1" }] as never })).toEqual(["v1", "v2"]);
  });

  it("finds the catch-all split, or says there is none", () => {
    const routes = [
      { match: match("/api"), backends: [{ version: "v1", weight: 100 }] },
      { match: match("/"), backends: [{ version: "v2", weight: 100 }] },
    ];
    expect(catchAllBackends({ routes } as never)).toEqual([{ version: "v2", weight: 100 }]);
    expect(catchAllBackends({ routes: [routes[0]] } as never)).toBeUndefined();
  });

  it("summarises matches on one line", () => {
    expect(matchSummary(match("/"))).toBe("prefix /");
    expect(
      matchSummary({
        path: { type: "exact", value: "/login" },
        headers: [
          { name: "x-canary", type: "exact", value: "1", invert: false },
          { name: "x-user", type: "prefix", value: "qa-", invert: false },
          { name: "x-debug", type: "present", invert: true },
        ],
      }),
    ).toBe('exact /login · x-canary = "1" · x-user starts with "qa-" · !x-debug present');
  });

  it("orders routes by priority and endpoints by version then address", () => {
    expect(orderedRoutes([{ name: "b", priority: 1 }, { name: "a", priority: 0 }]).map((r) => r.name)).toEqual(["a", "b"]);
    expect(
      orderedEndpoints([
        { version: "v2", address: "10.0.0.1", port: 80 },
        { version: "v1", address: "10.0.0.2", port: 80 },
        { version: "v1", address: "10.0.0.2", port: 79 },
      ]).map((e) => `${e.version} ${e.port}`),
    ).toEqual(["v1 79", "v1 80", "v2 80"]);
  });
});

describe("matchSummary with every kind of condition", () => {
  it("reads methods, authority, headers and query parameters", () => {
    expect(
      matchSummary({
        path: { type: "regex", value: "/api/v[0-9]+" },
        methods: ["GET", "HEAD"],
        authority: { type: "suffix", value: ".example.com" },
        headers: [
          { name: "x-canary", type: "absent", invert: false },
          { name: "x-user", type: "contains", value: "test", invert: true },
        ],
        queryParams: [{ name: "debug", type: "present" }],
      }),
    ).toBe('regex /api/v[0-9]+ · GET, HEAD · host ends with ".example.com" · x-canary absent · !x-user contains "test" · ?debug present');
  });
});
