import { describe, expect, it } from "vitest";
import { buildSnapshot, domainsOf } from "./snapshot";
import type { MeshState } from "./mesh-state";

const state: MeshState = {
  revision: 7,
  services: [
    {
      id: "s1",
      name: "reviews",
      namespace: "shop",
      protocol: "http",
      port: 9080,
      description: "",
      policy: {},
      createdAt: new Date(0),
      updatedAt: new Date(0),
      versions: [
        { id: "a", name: "v1", labels: {} },
        { id: "b", name: "v2", labels: {} },
        { id: "c", name: "v3", labels: {} },
      ],
      endpoints: [
        { id: "e2", versionId: "b", address: "10.0.0.2", port: 80, weight: 1, health: "healthy", source: "sidecar", proxyId: "n2", lastSeenAt: null },
        { id: "e1", versionId: "a", address: "10.0.0.1", port: 80, weight: 3, health: "draining", source: "api", proxyId: null, lastSeenAt: null },
      ],
      routes: [
        { id: "r2", name: "default", priority: 1, match: { path: { type: "prefix", value: "/" }, headers: [] }, backends: [{ version: "v1", weight: 70 }, { version: "v2", weight: 30 }, { version: "v3", weight: 0 }], policy: {} },
        { id: "r1", name: "canary", priority: 0, match: { path: { type: "exact", value: "/x" }, headers: [] }, backends: [{ version: "v1", weight: 0 }, { version: "v3", weight: 100 }], policy: {} },
      ],
    },
    { id: "s2", name: "db", namespace: "shop", protocol: "tcp", port: 5432, description: "", policy: {}, createdAt: new Date(0), updatedAt: new Date(0), versions: [], endpoints: [], routes: [] },
    { id: "s3", name: "auth", namespace: "shop", protocol: "grpc", port: 50051, description: "", policy: { retryBudget: null, mtls: { mode: "permissive" } }, createdAt: new Date(0), updatedAt: new Date(0), versions: [], endpoints: [], routes: [] },
  ],
};

describe("buildSnapshot", () => {
  const snap = buildSnapshot(state);

  it("orders routes by priority and resolves actions: zero legs dropped, one leg becomes a plain cluster", () => {
    const reviews = snap.services.find((s) => s.key === "reviews.shop")!;
    expect(reviews.routes.map((r) => r.name)).toEqual(["canary", "default"]);
    expect(reviews.routes[0]!.action).toEqual({ kind: "cluster", cluster: "reviews.shop|v3" });
    expect(reviews.routes[1]!.action).toEqual({
      kind: "weighted",
      clusters: [
        { name: "reviews.shop|v1", weight: 70 },
        { name: "reviews.shop|v2", weight: 30 },
      ],
    });
  });

  it("keeps an implicit catch-all after the routes when none of them matches everything", () => {
    const only = buildSnapshot({
      revision: 1,
      services: [
        {
          ...state.services[0]!,
          routes: [{ id: "g", name: "gift-cards", priority: 0, match: { path: { type: "prefix", value: "/gift-cards" }, headers: [] }, backends: [], policy: {} }],
        },
      ],
    }).services[0]!;
    expect(only.routes.map((r) => r.name)).toEqual(["gift-cards", "default"]);
    expect(only.routes[1]).toMatchObject({ match: { path: { type: "prefix", value: "/" }, headers: [] }, action: { kind: "cluster", cluster: "reviews.shop" } });
  });

  it("gives a service without routes one catch-all route to the whole service", () => {
    expect(snap.services.find((s) => s.key === "auth.shop")!.routes).toEqual([
      { name: "default", match: { path: { type: "prefix", value: "/" }, headers: [] }, action: { kind: "cluster", cluster: "auth.shop" }, policy: {} },
    ]);
  });

  it("has no virtual host for a TCP service but still its clusters, and lists it for the sidecars' TCP listeners", () => {
    expect(snap.services.map((s) => s.key)).toEqual(["auth.shop", "reviews.shop"]);
    expect(snap.clusters.map((c) => c.name)).toContain("db.shop");
    expect(snap.tcpServices).toEqual([{ key: "db.shop", name: "db", namespace: "shop", port: 5432, cluster: "db.shop" }]);
  });

  it("fills in policy defaults: peak EWMA, 1 s connect timeout, a retry budget for HTTP/gRPC unless switched off, never for TCP", () => {
    const policyOf = (name: string) => snap.clusters.find((c) => c.name === name)!.policy;
    expect(policyOf("reviews.shop|v1")).toEqual({
      loadBalancing: { kind: "peak-ewma", decayMs: 10_000, choiceCount: 2 },
      connectTimeoutMs: 1000,
      retryBudget: { percent: 20, minRetriesPerSecond: 10 },
    });
    expect(policyOf("auth.shop").retryBudget).toBeUndefined();
    expect(policyOf("db.shop").retryBudget).toBeUndefined();
    expect(snap.profiles.get("auth.shop")).toEqual({ protocol: "grpc", mtlsMode: "permissive" });
    expect(snap.profiles.get("db.shop")).toEqual({ protocol: "tcp", mtlsMode: "strict" });
  });

  it("resolves a route's mirror to its version cluster and gives every route of a ring-hash service the hash", () => {
    const hashed = buildSnapshot({
      revision: 1,
      services: [
        {
          ...state.services[0]!,
          policy: { loadBalancer: { algorithm: "ring-hash", hashOn: { cookie: { name: "sid", ttlSeconds: 0 } } } },
          routes: [{ ...state.services[0]!.routes[0]!, policy: { mirror: { version: "v3", percent: 5 } } }],
        },
      ],
    });
    const [route] = hashed.services[0]!.routes;
    expect(route).toMatchObject({ mirrorCluster: "reviews.shop|v3", hashOn: { cookie: { name: "sid", ttlSeconds: 0 } } });
    expect(hashed.clusters[0]!.policy.loadBalancing).toEqual({ kind: "ring-hash" });
  });

  it("builds a cluster per service and per version with the matching endpoints", () => {
    expect(snap.clusters.filter((c) => c.service === "reviews").map((c) => c.name)).toEqual(["reviews.shop", "reviews.shop|v1", "reviews.shop|v2", "reviews.shop|v3"]);
    expect(snap.endpoints.get("reviews.shop")!.map((e) => e.address)).toEqual(["10.0.0.1", "10.0.0.2"]);
    expect(snap.endpoints.get("reviews.shop|v1")).toEqual([{ address: "10.0.0.1", port: 80, weight: 3, health: "draining", mtls: false }]);
    expect(snap.endpoints.get("reviews.shop|v2")).toEqual([{ address: "10.0.0.2", port: 80, weight: 1, health: "healthy", mtls: true }]);
    expect(snap.endpoints.get("reviews.shop|v3")).toEqual([]);
    expect(snap.revision).toBe(7);
  });
});

it("lists every authority a caller may use, the bare name apart", () => {
  expect(domainsOf({ name: "reviews", namespace: "shop", port: 9080 })).toEqual({
    qualified: ["reviews.shop", "reviews.shop:9080", "reviews.shop.svc", "reviews.shop.svc:9080"],
    short: ["reviews", "reviews:9080"],
  });
});
