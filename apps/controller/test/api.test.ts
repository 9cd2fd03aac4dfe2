// The controller API end to end over real HTTP: authentication on every procedure, CRUD of the
// mesh model over tRPC and REST, validation messages that name the field, and atomicity.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter } from "../src/transport/trpc/root";
import { ADMIN, startTestController, trpcClient, type TestController, errorOf } from "./harness";

let t: TestController;
beforeAll(async () => {
  t = await startTestController();
});
afterAll(async () => {
  await t?.close();
});


describe("authentication", () => {
  it("refuses every procedure except login without credentials, over tRPC", async () => {
    const procedures = Object.keys(appRouter._def.procedures).filter((p) => p !== "auth.login");
    expect(procedures.length).toBeGreaterThan(15);
    for (const path of procedures) {
      const type = (appRouter._def.procedures as unknown as Record<string, { _def: { type: string } }>)[path]!._def.type;
      if (type === "subscription") {
        // Server-sent events start with 200: the refusal is the stream's first error event.
        const res = await fetch(`${t.apiUrl}/api/trpc/${path}?input=${encodeURIComponent("{}")}`);
        expect(await res.text(), path).toMatch(/event: serialized-error\ndata: .*"httpStatus":401,.*"weftCode":"WEFT_UNAUTHENTICATED"/);
        continue;
      }
      const isQuery = type === "query";
      const res = isQuery
        ? await fetch(`${t.apiUrl}/api/trpc/${path}`)
        : await fetch(`${t.apiUrl}/api/trpc/${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
      expect(res.status, path).toBe(401);
      const body = (await res.json()) as any;
      expect(body.error.data.weftCode, path).toBe("WEFT_UNAUTHENTICATED");
    }
  });

  it("refuses REST calls without credentials, and with a wrong or revoked token", async () => {
    expect((await t.http("/api/v1/services", { auth: false })).status).toBe(401);
    expect((await t.http("/api/v1/services", { headers: { authorization: "Bearer weft_not_a_real_token_000000000" } })).status).toBe(401);
    const created = await t.api.tokens.create.mutate({ name: "short-lived" });
    expect((await t.http("/api/v1/services", { headers: { authorization: `Bearer ${created.token}` } })).status).toBe(200);
    await t.api.tokens.revoke.mutate({ id: created.id });
    expect((await t.http("/api/v1/services", { headers: { authorization: `Bearer ${created.token}` } })).status).toBe(401);
    const listed = await t.api.tokens.list.query();
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });

  it("leaves /healthz and the OpenAPI document open", async () => {
    expect(await (await t.http("/healthz", { auth: false })).json()).toEqual({ status: "ok" });
    const doc = (await (await t.http("/api/openapi.json", { auth: false })).json()) as any;
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/services", "/api/v1/services/{serviceId}/split", "/api/v1/proxies"]));
  });

  it("signs in with a session cookie that is httpOnly, and signs out", async () => {
    const bad = await t.http("/api/v1/auth/login", { auth: false, method: "POST", body: JSON.stringify({ username: "admin", password: "nope" }) });
    expect(bad.status).toBe(401);
    expect(bad.headers.get("set-cookie")).toBeNull();

    const res = await t.http("/api/v1/auth/login", { auth: false, method: "POST", body: JSON.stringify(ADMIN) });
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie")!;
    expect(cookie).toMatch(/^weft_session=[^;]+; Path=\/; HttpOnly; SameSite=Lax/);
    const session = cookie.split(";")[0]!;
    const me = await t.http("/api/v1/auth/me", { auth: false, headers: { cookie: session } });
    expect(await me.json()).toEqual({ username: "admin", role: "admin", via: "session" });

    await trpcClient(t.apiUrl, { cookie: session }).auth.logout.mutate();
    expect((await t.http("/api/v1/auth/me", { auth: false, headers: { cookie: session } })).status).toBe(401);
  });
});

describe("mesh model", () => {
  it("creates, reads, updates and deletes services, versions, endpoints, routes and splits", async () => {
    const { service } = await t.api.services.create.mutate({ name: "reviews", port: 9080 });
    expect(service).toMatchObject({ name: "reviews", namespace: "default", protocol: "http", port: 9080 });
    const v1 = (await t.api.versions.create.mutate({ serviceId: service.id, name: "v1" })).version;
    const v2 = (await t.api.versions.create.mutate({ serviceId: service.id, name: "v2", labels: { track: "canary" } })).version;
    expect(v2.labels).toEqual({ version: "v2", track: "canary" });
    const ep = (await t.api.endpoints.create.mutate({ serviceId: service.id, version: "v1", address: "127.0.0.1", port: 9001 })).endpoint;
    await t.api.endpoints.create.mutate({ serviceId: service.id, version: "v2", address: "127.0.0.1", port: 9002 });

    const split = await t.api.splits.set.mutate({ serviceId: service.id, backends: [{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }] });
    expect(split.route).toMatchObject({ name: "default", match: { path: { type: "prefix", value: "/" } } });
    const header = await t.api.routes.create.mutate({
      serviceId: service.id,
      name: "testers",
      match: { path: { type: "prefix", value: "/" }, headers: [{ name: "x-user", type: "exact", value: "tester" }] },
      backends: [{ version: "v2", weight: 100 }],
    });
    // A specific route goes before the catch-all so it can match at all.
    let read = await t.api.services.byId.query({ id: service.id });
    expect(read.routes.map((r) => r.name)).toEqual(["testers", "default"]);
    expect(read.routes[1]!.backends).toEqual([{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }]);

    await t.api.endpoints.update.mutate({ id: ep.id, health: "draining" });
    await t.api.services.update.mutate({ id: service.id, description: "book reviews" });
    await t.api.routes.update.mutate({ id: header.route.id, backends: [{ version: "v1", weight: 50 }, { version: "v2", weight: 50 }] });
    read = await t.api.services.byId.query({ id: service.id });
    expect(read.description).toBe("book reviews");
    expect(read.endpoints.find((e) => e.id === ep.id)!.health).toBe("draining");
    expect(read.routes[0]!.backends.map((b) => b.weight)).toEqual([50, 50]);

    // Removing a version a split uses is refused with the route named.
    const blocked = await errorOf(t.api.versions.remove.mutate({ id: v1.id }));
    expect(blocked.data.weftCode).toBe("WEFT_IN_USE");
    expect(blocked.message).toContain('"testers"');

    await t.api.routes.remove.mutate({ id: header.route.id });
    await t.api.splits.set.mutate({ serviceId: service.id, backends: [] });
    await t.api.endpoints.remove.mutate({ id: ep.id });
    await t.api.versions.remove.mutate({ id: v1.id });
    read = await t.api.services.byId.query({ id: service.id });
    expect(read.versions.map((v) => v.name)).toEqual(["v2"]);
    expect(read.routes).toHaveLength(1);

    await t.api.services.remove.mutate({ id: service.id });
    const gone = await errorOf(t.api.services.byId.query({ id: service.id }));
    expect(gone.data.weftCode).toBe("WEFT_NOT_FOUND");
  });

  it("records every change in the revision history, newest first", async () => {
    const { service } = await t.api.services.create.mutate({ name: "history", port: 80 });
    await t.api.versions.create.mutate({ serviceId: service.id, name: "v1" });
    await t.api.versions.create.mutate({ serviceId: service.id, name: "v2" });
    await t.api.splits.set.mutate({ serviceId: service.id, backends: [{ version: "v1", weight: 100 }, { version: "v2", weight: 0 }] });
    const last = await t.api.splits.set.mutate({ serviceId: service.id, backends: [{ version: "v1", weight: 0 }, { version: "v2", weight: 100 }] });
    const revisions = await t.api.revisions.list.query({ limit: 5 });
    expect(revisions[0]).toMatchObject({
      id: last.revision,
      actor: "admin (token bootstrap)",
      action: "split.set",
      summary: "split of history.default route default: v1 100% / v2 0% → v1 0% / v2 100%",
    });
    expect(revisions[0]!.before).toMatchObject({ backends: [{ version: "v1", weight: 100 }, { version: "v2", weight: 0 }] });
    expect(revisions.map((r) => r.action).slice(0, 4)).toEqual(["split.set", "split.set", "version.create", "version.create"]);
  });
});

describe("validation", () => {
  let serviceId: string;
  beforeAll(async () => {
    serviceId = (await t.api.services.create.mutate({ name: "ratings", port: 9080 })).service.id;
    await t.api.versions.create.mutate({ serviceId, name: "v1" });
    await t.api.versions.create.mutate({ serviceId, name: "v2" });
    await t.api.splits.set.mutate({ serviceId, backends: [{ version: "v1", weight: 100 }, { version: "v2", weight: 0 }] });
  });

  const cases: Array<[string, Array<{ version: string; weight: number }>, string, RegExp]> = [
    ["weights not summing to 100", [{ version: "v1", weight: 70 }, { version: "v2", weight: 20 }], "backends", /weights must sum to 100 \(they sum to 90\)/],
    ["a negative weight", [{ version: "v1", weight: 110 }, { version: "v2", weight: -10 }], "backends.0.weight", /must be at most 100/],
    ["an unknown version", [{ version: "v1", weight: 50 }, { version: "v3", weight: 50 }], "backends.1.version", /version "v3" does not exist on service "ratings" \(versions: v1, v2\)/],
    ["a version listed twice", [{ version: "v1", weight: 50 }, { version: "v1", weight: 50 }], "backends.1.version", /appears twice/],
  ];

  for (const [what, backends, field, message] of cases) {
    it(`refuses ${what}, naming the field, and changes nothing`, async () => {
      const before = await t.api.services.byId.query({ id: serviceId });
      const revisionsBefore = await t.api.revisions.list.query({ limit: 1 });
      const err = await errorOf(t.api.splits.set.mutate({ serviceId, backends }));
      expect(err.data.weftCode).toBe("WEFT_VALIDATION");
      expect(err.data.field).toBe(field);
      expect(err.message).toMatch(message);
      expect(err.message.startsWith(field)).toBe(true);
      expect(await t.api.services.byId.query({ id: serviceId })).toEqual(before);
      expect((await t.api.revisions.list.query({ limit: 1 }))[0]!.id).toBe(revisionsBefore[0]!.id);
    });
  }

  it("returns the same field-naming message over REST", async () => {
    const res = await t.http(`/api/v1/services/${serviceId}/split`, {
      method: "PUT",
      body: JSON.stringify({ backends: [{ version: "v1", weight: 60 }, { version: "v2", weight: 30 }] }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.message).toBe("backends: weights must sum to 100 (they sum to 90)");
    expect(body.data).toMatchObject({ weftCode: "WEFT_VALIDATION", field: "backends" });
  });

  it("refuses a route that could never match, and a duplicate service", async () => {
    const shadowed = await errorOf(
      t.api.routes.create.mutate({ serviceId, name: "late", priority: 5, match: { path: { type: "prefix", value: "/api" }, headers: [] } }),
    );
    expect(shadowed.data.field).toBe("priority");
    expect(shadowed.message).toContain('route "late" would never match: route "default" comes first');
    const dup = await errorOf(t.api.services.create.mutate({ name: "ratings", port: 1 }));
    expect(dup.data.weftCode).toBe("WEFT_CONFLICT");
    expect(dup.message).toBe('name: service "ratings" already exists in namespace "default"');
  });

  it("serves the mesh over REST with a bearer token (create, read, update, delete)", async () => {
    const created = await t.http("/api/v1/services", { method: "POST", body: JSON.stringify({ name: "rest-made", port: 8080, protocol: "grpc" }) });
    expect(created.status).toBe(200);
    const { service } = (await created.json()) as any;
    expect(((await (await t.http(`/api/v1/services/${service.id}`)).json()) as any).protocol).toBe("grpc");
    const patched = await t.http(`/api/v1/services/${service.id}`, { method: "PATCH", body: JSON.stringify({ port: 8081 }) });
    expect(((await patched.json()) as any).service.port).toBe(8081);
    expect((await t.http(`/api/v1/services/${service.id}`, { method: "DELETE" })).status).toBe(200);
    expect((await t.http(`/api/v1/services/${service.id}`)).status).toBe(404);
  });
});
