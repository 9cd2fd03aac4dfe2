import { expect, it } from "vitest";
import { RoutePolicySchema, ServicePolicySchema } from "./policy";

const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);

it("fills in-object defaults and leaves absent sections absent", () => {
  expect(RoutePolicySchema.parse({ retries: {} })).toEqual({
    retries: { attempts: 2, retryOn: ["connect-failure", "reset", "gateway-error"], statusCodes: [], backoff: { baseMs: 25, maxMs: 250 }, allowNonIdempotent: false },
  });
  expect(ServicePolicySchema.parse({})).toEqual({});
  expect(ServicePolicySchema.parse({ outlierDetection: {} }).outlierDetection).toEqual({ consecutive5xx: 5, intervalMs: 10_000, baseEjectionMs: 30_000, maxEjectionPercent: 10 });
});

it("names the field of cross-field mistakes", () => {
  expect(issues(ServicePolicySchema.safeParse({ loadBalancer: { algorithm: "ring-hash" } }))).toEqual(["loadBalancer.hashOn: ring-hash needs something to hash: give hashOn {header} or {cookie}"]);
  expect(issues(ServicePolicySchema.safeParse({ circuitBreaker: { maxRetries: 1 } }))[0]).toMatch(/^circuitBreaker\.maxRetries: with a retry budget/);
  expect(ServicePolicySchema.safeParse({ circuitBreaker: { maxRetries: 1 }, retryBudget: null }).success).toBe(true);
  expect(issues(RoutePolicySchema.safeParse({ headers: { response: { add: { "X-Up": "1" } } } }))).toEqual(['headers.response.add.X-Up: header names are lower case HTTP tokens (e.g. "x-team")']);
});
