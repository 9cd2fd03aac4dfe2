// Matches and traffic policy through the API: what is accepted is stored and returned as sent (with
// in-object defaults) and recorded in revisions; what is refused names the field, says what to do,
// and changes nothing. Over tRPC and the REST twins.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestController, type TestController, errorOf } from "./harness";

let t: TestController;
let serviceId: string;

beforeAll(async () => {
  t = await startTestController();
  serviceId = (await t.api.services.create.mutate({ name: "shop", port: 8080 })).service.id;
  for (const v of ["v1", "v2"]) await t.api.versions.create.mutate({ serviceId, name: v });
});
afterAll(async () => {
  await t?.close();
});


async function newestRevision(): Promise<number> {
  return (await t.api.revisions.list.query({ limit: 1 }))[0]!.id;
}

describe("accepted policy", () => {
  it("stores a route's match and policy with in-object defaults, returns them, and records the change", async () => {
    const { route } = await t.api.routes.create.mutate({
      serviceId,
      name: "api",
      match: { path: { type: "regex", value: "/api/v[0-9]+" }, methods: ["GET"], queryParams: [{ name: "debug", type: "present" }] },
      policy: { timeoutMs: 3000, retries: { attempts: 2 }, mirror: { version: "v2" } },
    });
    expect(route.match).toEqual({
      path: { type: "regex", value: "/api/v[0-9]+" },
      headers: [],
      methods: ["GET"],
      queryParams: [{ name: "debug", type: "present" }],
    });
    expect(route.policy).toEqual({
      timeoutMs: 3000,
      retries: { attempts: 2, retryOn: ["connect-failure", "reset", "gateway-error"], statusCodes: [], backoff: { baseMs: 25, maxMs: 250 }, allowNonIdempotent: false },
      mirror: { version: "v2", percent: 100 },
    });
    const updated = await t.api.routes.update.mutate({ id: route.id, policy: { timeoutMs: 0 } });
    expect(updated.route.policy).toEqual({ timeoutMs: 0 });
    const [revision] = await t.api.revisions.list.query({ limit: 1, resourceId: route.id });
    expect(revision).toMatchObject({ action: "route.update", summary: expect.stringContaining("(policy)") });
    expect((revision!.before as any).policy.timeoutMs).toBe(3000);
    expect((revision!.after as any).policy).toEqual({ timeoutMs: 0 });
    await t.api.routes.remove.mutate({ id: route.id });
  });

  it("stores a service policy and replaces it whole on update, over REST too", async () => {
    const created = await t.http("/api/v1/services", {
      method: "POST",
      body: JSON.stringify({ name: "sticky", port: 8081, policy: { loadBalancer: { algorithm: "ring-hash", hashOn: { cookie: { name: "sid" } } }, mtls: { mode: "permissive" } } }),
    });
    expect(created.status).toBe(200);
    const { service } = (await created.json()) as any;
    expect(service.policy).toEqual({ loadBalancer: { algorithm: "ring-hash", hashOn: { cookie: { name: "sid", ttlSeconds: 0 } } }, mtls: { mode: "permissive" } });
    const patched = await t.http(`/api/v1/services/${service.id}`, { method: "PATCH", body: JSON.stringify({ policy: { retryBudget: null, circuitBreaker: { maxRetries: 5 } } }) });
    expect(patched.status).toBe(200);
    expect(((await patched.json()) as any).service.policy).toEqual({ retryBudget: null, circuitBreaker: { maxRetries: 5 } });
    const [revision] = await t.api.revisions.list.query({ limit: 1, resourceId: service.id });
    expect((revision!.before as any).policy.mtls).toEqual({ mode: "permissive" });
    expect((await t.api.services.byId.query({ id: service.id })).policy).toEqual({ retryBudget: null, circuitBreaker: { maxRetries: 5 } });
  });

  it("creates routes with a policy over REST and documents the new fields in OpenAPI", async () => {
    const res = await t.http(`/api/v1/services/${serviceId}/routes`, {
      method: "POST",
      body: JSON.stringify({ name: "limited", match: { path: { type: "prefix", value: "/search" } }, policy: { rateLimit: { requestsPerSecond: 5 } } }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).route.policy).toEqual({ rateLimit: { requestsPerSecond: 5 } });
    const doc = (await (await t.http("/api/openapi.json", { auth: false })).json()) as any;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/workload-tokens", "/api/v1/workload-tokens/{id}", "/api/v1/trust-bundle"]));
    expect(JSON.stringify(doc.paths["/api/v1/services"].post)).toContain("outlierDetection");
    expect(JSON.stringify(doc.paths["/api/v1/services/{serviceId}/routes"].post)).toContain("retriable");
  });
});

describe("refused input names the field and changes nothing", () => {
  const routeCases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["a regex RE2 cannot compile", { match: { path: { type: "regex", value: "/(a" } } }, "match.path.value", /not a valid RE2 regular expression/],
    ["look-ahead in a header regex", { match: { headers: [{ name: "x-a", type: "regex", value: "a(?=b)" }] } }, "match.headers.0.value", /RE2 has no look-around/],
    ["a header match without a value", { match: { headers: [{ name: "x-a", type: "suffix" }] } }, "match.headers.0.value", /a value is required for a suffix match/],
    ["an unknown method", { match: { methods: ["FETCH"] } }, "match.methods.0", /must be one of GET, HEAD/],
    ["a mirror to an unknown version", { policy: { mirror: { version: "v9" } } }, "policy.mirror.version", /version "v9" does not exist on service "shop" \(versions: v1, v2\)/],
    ["a mirror share above 100 %", { policy: { mirror: { version: "v2", percent: 101 } } }, "policy.mirror.percent", /must be between 0 and 100/],
    ["zero retries", { policy: { retries: { attempts: 0 } } }, "policy.retries.attempts", /must be at least 1/],
    ["a backoff cap below its base", { policy: { retries: { backoff: { baseMs: 100, maxMs: 50 } } } }, "policy.retries.backoff.maxMs", /maxMs must be at least baseMs/],
    ["an unknown retry condition", { policy: { retries: { retryOn: ["sometimes"] } } }, "policy.retries.retryOn.0", /must be one of 5xx, gateway-error/],
    ["a fault with neither delay nor abort", { policy: { fault: {} } }, "policy.fault", /give a delay, an abort, or both/],
    [
      "delay and abort with different triggers",
      { policy: { fault: { delay: { fixedMs: 10, percent: 1, whenHeader: { name: "x-a" } }, abort: { status: 500, percent: 1 } } } },
      "policy.fault.abort.whenHeader",
      /share their trigger/,
    ],
    ["setting a pseudo-header", { policy: { headers: { request: { set: { ":path": "/x" } } } } }, "policy.headers.request.set.:path", /pseudo-headers/],
    ["removing Host", { policy: { headers: { request: { remove: ["host"] } } } }, "policy.headers.request.remove.0", /Host cannot be changed/],
    ["a typo in a policy key", { policy: { timeout: 5 } }, "policy", /Unrecognized key: "timeout"/],
    ["a negative timeout", { policy: { timeoutMs: -1 } }, "policy.timeoutMs", /must be at least 0 ms/],
    ["a rewrite on a regex route", { match: { path: { type: "regex", value: "/a.*" } }, policy: { rewrite: { pathPrefix: "/b" } } }, "policy.rewrite.pathPrefix", /use it with a prefix or exact path match/],
  ];
  for (const [what, input, field, message] of routeCases) {
    it(`refuses a route with ${what}`, async () => {
      const before = await newestRevision();
      const err = await errorOf(t.api.routes.create.mutate({ serviceId, name: "bad", ...input } as never));
      expect(err.data.weftCode).toBe("WEFT_VALIDATION");
      expect(err.data.field).toBe(field);
      expect(err.message).toMatch(message);
      expect(err.message.startsWith(`${field}:`) || err.message.includes(`${field}:`)).toBe(true);
      expect(await newestRevision()).toBe(before);
      expect((await t.api.services.byId.query({ id: serviceId })).routes.some((r) => r.name === "bad")).toBe(false);
    });
  }

  const serviceCases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ["ring-hash without hashOn", { policy: { loadBalancer: { algorithm: "ring-hash" } } }, "policy.loadBalancer.hashOn", /ring-hash needs something to hash/],
    ["hashOn without ring-hash", { policy: { loadBalancer: { hashOn: { header: "x-user" } } } }, "policy.loadBalancer.hashOn", /only applies to the ring-hash algorithm/],
    ["hashOn naming both header and cookie", { policy: { loadBalancer: { algorithm: "ring-hash", hashOn: { header: "x", cookie: { name: "c" } } } } }, "policy.loadBalancer.hashOn", /exactly one of header or cookie/],
    ["an unknown algorithm", { policy: { loadBalancer: { algorithm: "random" } } }, "policy.loadBalancer.algorithm", /must be one of peak-ewma, least-request, round-robin, ring-hash/],
    ["maxRetries while the retry budget is on", { policy: { circuitBreaker: { maxRetries: 3 } } }, "policy.circuitBreaker.maxRetries", /set retryBudget to null/],
    ["a health check timing out after its interval", { policy: { healthCheck: { path: "/h", intervalMs: 1000, timeoutMs: 2000 } } }, "policy.healthCheck.timeoutMs", /must not exceed intervalMs/],
    ["an unknown mTLS mode", { policy: { mtls: { mode: "off" } } }, "policy.mtls.mode", /must be strict or permissive/],
    ["a connect timeout of zero", { policy: { connectTimeoutMs: 0 } }, "policy.connectTimeoutMs", /must be at least 1 ms/],
    ["a health check on a TCP service", { protocol: "tcp", port: 7001, policy: { healthCheck: { path: "/h" } } }, "policy.healthCheck", /HTTP-only and service "bad" is tcp/],
    ["a retry budget on a TCP service", { protocol: "tcp", port: 7002, policy: { retryBudget: { percent: 10 } } }, "policy.retryBudget", /HTTP-only/],
  ];
  for (const [what, input, field, message] of serviceCases) {
    it(`refuses a service with ${what}`, async () => {
      const before = await newestRevision();
      const err = await errorOf(t.api.services.create.mutate({ name: "bad", port: 9999, ...input } as never));
      expect(err.data.weftCode).toBe("WEFT_VALIDATION");
      expect(err.data.field).toBe(field);
      expect(err.message).toMatch(message);
      expect(await newestRevision()).toBe(before);
      expect((await t.api.services.list.query()).some((s) => s.name === "bad")).toBe(false);
    });
  }

  it("returns the same field-naming message over REST", async () => {
    const res = await t.http(`/api/v1/services/${serviceId}/routes`, {
      method: "POST",
      body: JSON.stringify({ name: "bad", match: { path: { type: "regex", value: "(" } } }),
    });
    expect(res.status).toBe(400);
    const body = (await res.json()) as any;
    expect(body.message).toMatch(/^match\.path\.value: not a valid RE2 regular expression/);
    expect(body.data).toMatchObject({ weftCode: "WEFT_VALIDATION", field: "match.path.value" });
  });

  it("keeps TCP ports unique across namespaces, and TCP services free of routes", async () => {
    const db = (await t.api.services.create.mutate({ name: "db", namespace: "data", protocol: "tcp", port: 5432 })).service;
    const dup = await errorOf(t.api.services.create.mutate({ name: "pg", namespace: "other", protocol: "tcp", port: 5432 }));
    expect(dup.data).toMatchObject({ weftCode: "WEFT_CONFLICT", field: "port" });
    expect(dup.message).toMatch(/^port: port 5432 is already used by TCP service db\.data/);
    // An HTTP service may use the port; moving it to TCP may not.
    const web = (await t.api.services.create.mutate({ name: "web", protocol: "http", port: 5432 })).service;
    expect((await errorOf(t.api.services.update.mutate({ id: web.id, protocol: "tcp" }))).data.field).toBe("port");
    const route = await errorOf(t.api.routes.create.mutate({ serviceId: db.id, name: "r" }));
    expect(route.data.field).toBe("serviceId");
    expect(route.message).toMatch(/service "db" is tcp: routes .* apply to http and grpc services only/);
    expect((await errorOf(t.api.splits.set.mutate({ serviceId: db.id, backends: [] }))).data.field).toBe("serviceId");
  });

  it("refuses turning a service with routes into TCP, and removing a version that receives mirrored traffic", async () => {
    const svc = (await t.api.services.create.mutate({ name: "mirrored", port: 8090 })).service;
    await t.api.versions.create.mutate({ serviceId: svc.id, name: "v1" });
    const shadow = (await t.api.versions.create.mutate({ serviceId: svc.id, name: "shadow" })).version;
    await t.api.routes.create.mutate({ serviceId: svc.id, name: "all", policy: { mirror: { version: "shadow", percent: 1 } } });
    const tcp = await errorOf(t.api.services.update.mutate({ id: svc.id, protocol: "tcp", port: 7777 }));
    expect(tcp.data.field).toBe("protocol");
    expect(tcp.message).toMatch(/has route\(s\) "all", which a TCP service cannot have/);
    const removal = await errorOf(t.api.versions.remove.mutate({ id: shadow.id }));
    expect(removal.data.weftCode).toBe("WEFT_IN_USE");
    expect(removal.message).toMatch(/receives mirrored traffic from route "all"/);
  });
});
