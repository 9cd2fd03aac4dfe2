import { describe, expect, it } from "vitest";
import { RoutePolicySchema, ServicePolicySchema, type RouteMatch } from "@weft/contracts";
import { serviceFixture } from "./service-fixture";
import { checkCanBecomeTcp, checkMatchRegexes, checkRoutePolicy, checkServicePolicy, checkServiceTakesRoutes, checkTcpPortFree } from "./policy-rules";

const service = (over: Parameters<typeof serviceFixture>[0] = {}) => serviceFixture({ versions: [{ id: "v1id", name: "v1", labels: {} }], ...over });
const match = (over: Partial<RouteMatch> = {}): RouteMatch => ({ path: { type: "prefix", value: "/" }, headers: [], ...over });

describe("checkMatchRegexes", () => {
  it("names the field of each regex RE2 cannot compile", () => {
    expect(() => checkMatchRegexes(match({ path: { type: "regex", value: "/(a" } }))).toThrow("match.path.value: not a valid RE2 regular expression (missing ): /(a)");
    expect(() => checkMatchRegexes(match({ headers: [{ name: "x", type: "regex", value: "a(?=b)", invert: false }] }))).toThrow(
      /^match\.headers\.0\.value: not a valid RE2 regular expression \(invalid perl operator: \(\?=\); RE2 has no look-around/,
    );
    expect(() => checkMatchRegexes(match({ authority: { type: "regex", value: "[z-a]" } }))).toThrow(/^match\.authority\.value:/);
    expect(() => checkMatchRegexes(match({ queryParams: [{ name: "q", type: "exact", value: "(" }, { name: "r", type: "regex", value: "(" }] }))).toThrow(
      /^match\.queryParams\.1\.value:/,
    );
  });
  it("accepts RE2 patterns", () => {
    expect(() => checkMatchRegexes(match({ path: { type: "regex", value: "/api/v[0-9]+/.*" }, authority: { type: "regex", value: "[a-z]+\\.shop" } }))).not.toThrow();
  });
});

describe("checkRoutePolicy", () => {
  it("refuses a mirror to a version the service does not have", () => {
    expect(() => checkRoutePolicy(service(), match(), RoutePolicySchema.parse({ mirror: { version: "v9" } }))).toThrow(
      'policy.mirror.version: version "v9" does not exist on service "reviews" (versions: v1)',
    );
    expect(() => checkRoutePolicy(service(), match(), RoutePolicySchema.parse({ mirror: { version: "v1", percent: 10 } }))).not.toThrow();
  });
  it("refuses a prefix rewrite on a regex path", () => {
    expect(() => checkRoutePolicy(service(), match({ path: { type: "regex", value: "/a.*" } }), { rewrite: { pathPrefix: "/" } })).toThrow(/^policy\.rewrite\.pathPrefix: /);
  });
});

describe("TCP services", () => {
  const tcp = { name: "db", protocol: "tcp" as const };
  it("refuse HTTP-only policy, naming the field", () => {
    const cases: Array<[unknown, string]> = [
      [{ loadBalancer: { algorithm: "ring-hash", hashOn: { header: "x-user" } } }, "policy.loadBalancer.hashOn"],
      [{ circuitBreaker: { maxRequests: 10 } }, "policy.circuitBreaker.maxRequests"],
      [{ retryBudget: { percent: 10 } }, "policy.retryBudget"],
      [{ outlierDetection: {} }, "policy.outlierDetection"],
      [{ healthCheck: { path: "/healthz" } }, "policy.healthCheck"],
    ];
    for (const [policy, field] of cases) {
      expect(() => checkServicePolicy(tcp, ServicePolicySchema.parse(policy)), field).toThrow(new RegExp(`^${field.replace(/\./g, "\\.")}: .*service "db" is tcp`));
    }
  });
  it("accept what applies to connections, and the retry budget switched off", () => {
    const ok = ServicePolicySchema.parse({ loadBalancer: { algorithm: "least-request" }, connectTimeoutMs: 250, circuitBreaker: { maxConnections: 5 }, retryBudget: null, mtls: { mode: "permissive" } });
    expect(() => checkServicePolicy(tcp, ok)).not.toThrow();
    expect(() => checkServicePolicy({ name: "web", protocol: "http" }, ServicePolicySchema.parse({ healthCheck: { path: "/h" } }))).not.toThrow();
  });
  it("take no routes, and a service with routes cannot become one", () => {
    expect(() => checkServiceTakesRoutes(service({ protocol: "tcp", name: "db" }))).toThrow(/^serviceId: service "db" is tcp/);
    const withRoute = service({ routes: [{ id: "r", name: "api", priority: 0, match: match(), backends: [], policy: {} }] });
    expect(() => checkCanBecomeTcp(withRoute)).toThrow(/^protocol: service "reviews" has route\(s\) "api"/);
  });
  it("need a port no other TCP service of the mesh uses, in any namespace", () => {
    const others = [{ id: "a", name: "db", namespace: "shop", port: 5432 }];
    expect(() => checkTcpPortFree(others, 5432)).toThrow(/^port: port 5432 is already used by TCP service db\.shop/);
    expect(() => checkTcpPortFree(others, 5432, "a")).not.toThrow();
    expect(() => checkTcpPortFree(others, 6379)).not.toThrow();
  });
});
