import { describe, expect, it } from "vitest";
import { toHttpFilters } from "./http-filters";
import { faultFilter, rateLimitFilter, routerFilter } from "../../../test/support/policy-fixtures";

const reason = (filters: Array<Record<string, unknown>>) => {
  try {
    toHttpFilters(filters as never, "hcm");
  } catch (err) {
    return (err as Error).message;
  }
  return "accepted";
};

describe("toHttpFilters", () => {
  it("reads fault and local_ratelimit before the router, with their listener-wide config", () => {
    const f = toHttpFilters(
      [
        faultFilter({ abort: { http_status: 500, percentage: { numerator: 1, denominator: "MILLION" } } }),
        rateLimitFilter({ stat_prefix: "l", token_bucket: { max_tokens: 10, fill_interval: { seconds: 1 } } }),
        routerFilter,
      ] as never,
      "hcm",
    );
    expect(f.fault!.config).toMatchObject({ abortStatus: 500, abortFraction: 1e-6 });
    // Envoy: filter_enabled / filter_enforced default to 0% (the bucket is never consulted).
    expect(f.rateLimit!.config).toMatchObject({ maxTokens: 10, tokensPerFill: 1, fillIntervalMs: 1000, enabledFraction: 0, enforcedFraction: 0 });
    expect(toHttpFilters([faultFilter(), rateLimitFilter(), routerFilter] as never, "hcm")).toEqual({ fault: { config: undefined }, rateLimit: { config: undefined } });
    expect(toHttpFilters([routerFilter] as never, "hcm")).toEqual({ fault: undefined, rateLimit: undefined });
  });

  it("skips optional filters it does not know, NACKs the others and a wrong order", () => {
    expect(reason([{ name: "x.optional", typed_config: { "@type": "type.googleapis.com/x.Y" }, is_optional: true }, routerFilter])).toBe("accepted");
    expect(reason([{ name: "envoy.filters.http.rbac", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.rbac.v3.RBAC" } }, routerFilter])).toBe(
      "hcm http_filters[0]: http filter envoy.filters.http.rbac not supported yet (only envoy.filters.http.fault, envoy.filters.http.local_ratelimit, envoy.filters.http.router)",
    );
    expect(reason([rateLimitFilter(), faultFilter(), routerFilter])).toBe(
      "hcm http_filters[1]: envoy.filters.http.fault must come before envoy.filters.http.local_ratelimit (the sidecar applies them in that order)",
    );
    expect(reason([faultFilter()])).toContain("the last http filter must be envoy.filters.http.router");
    expect(reason([rateLimitFilter({ stat_prefix: "" }), routerFilter])).toBe("hcm http_filters[0]: stat_prefix is empty");
    expect(reason([rateLimitFilter({ stat_prefix: "s", descriptors: [{ entries: [] }] }), routerFilter])).toContain("descriptors not supported yet");
    expect(reason([faultFilter({ abort: { grpc_status: 14 } }), routerFilter])).toContain("abort: grpc_status not supported yet; use http_status");
  });
});
