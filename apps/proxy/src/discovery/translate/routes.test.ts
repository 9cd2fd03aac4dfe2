import { describe, expect, it } from "vitest";
import { toRouteTables } from "./routes";
import { routeConfig, serviceHost } from "../../../test/support/xds-fixtures";

const translate = (...vhosts: Array<Record<string, unknown>>) => toRouteTables([routeConfig("weft.outbound", vhosts)] as never);
const reason = (...vhosts: Array<Record<string, unknown>>) => {
  try {
    translate(...vhosts);
  } catch (err) {
    return (err as Error).message;
  }
  return "accepted";
};
const withRoute = (route: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ name: "reviews.default", domains: ["reviews"], routes: [route], ...extra });
const first = (route: Record<string, unknown>, extra?: Record<string, unknown>) => translate(withRoute(route, extra)).get("weft.outbound")!.virtualHosts[0]!.routes[0]!;
const W = 'route "weft.outbound" virtual_host "reviews.default" route[0]';

describe("toRouteTables", () => {
  it("translates the controller's virtual host (docs/xds.md)", () => {
    const table = translate(
      serviceHost("reviews", "default", 9080, [
        { name: "api-v2-header", prefix: "/", headers: [{ name: "X-User", string_match: { exact: "tester" } }], cluster: "reviews.default|v2" },
        { name: "default", prefix: "/", split: [["reviews.default|v1", 80], ["reviews.default|v2", 0], ["reviews.default|v3", 20]] },
      ]),
    ).get("weft.outbound")!;
    const vhost = table.byDomain.get("reviews.default.svc:9080")!;
    expect(vhost.identity).toEqual({ service: "reviews", namespace: "default", version: "" });
    expect(vhost.routes[0]).toMatchObject({
      name: "api-v2-header",
      path: { kind: "prefix", value: "/", ignoreCase: false },
      headers: [{ name: "x-user", kind: "exact", value: "tester", invert: false }],
      clusters: [{ name: "reviews.default|v2", weight: 1 }],
      totalWeight: 1,
    });
    // Envoy defaults: 15 s timeout, no retries, nothing else.
    expect(vhost.routes[0]!.policy).toMatchObject({ timeoutMs: 15_000, retry: undefined, requestHeaders: [], mirrors: [], fault: undefined, rateLimit: undefined });
    // zero-weight legs are dropped
    expect(vhost.routes[1]!.clusters).toEqual([{ name: "reviews.default|v1", weight: 80 }, { name: "reviews.default|v3", weight: 20 }]);
    expect(vhost.routes[1]!.totalWeight).toBe(100);
    expect(table.knownHosts).toBe("reviews");
  });

  it("translates header matchers: present / absent / invert", () => {
    const r = first({
      name: "r",
      match: { path: "/health", headers: [{ name: "x-a", string_match: { prefix: "be" }, invert_match: true }, { name: "x-b", present_match: true }, { name: "x-c", present_match: false }] },
      route: { cluster: "c" },
    });
    expect(r.path).toMatchObject({ kind: "exact", value: "/health" });
    expect(r.headers.map((h) => [h.name, h.kind, h.value, h.invert])).toEqual([
      ["x-a", "prefix", "be", true],
      ["x-b", "present", "", false],
      ["x-c", "present", "", true],
    ]);
  });

  it("translates the route policy: timeout, retries, rewrite, mirrors, hashing, header mutation at three levels", () => {
    const tables = toRouteTables([
      {
        name: "weft.outbound",
        request_headers_to_add: [{ header: { key: "x-level", value: "config" }, append_action: "APPEND_IF_EXISTS_OR_ADD" }],
        virtual_hosts: [
          withRoute(
            {
              name: "r",
              match: { prefix: "/api" },
              request_headers_to_add: [{ header: { key: "X-Level", value: "route" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }],
              request_headers_to_remove: ["x-secret"],
              response_headers_to_add: [{ header: { key: "x-served-by", value: "weft" }, append_action: "ADD_IF_ABSENT" }],
              route: {
                cluster: "c",
                timeout: { seconds: 0 },
                prefix_rewrite: "/v2",
                retry_policy: {
                  retry_on: "5xx,connect-failure,retriable-status-codes,unavailable",
                  num_retries: { value: 3 },
                  per_try_timeout: { nanos: 250_000_000 },
                  retry_back_off: { base_interval: { nanos: 10_000_000 } },
                  retriable_status_codes: [409],
                  retriable_request_headers: [{ name: ":method", string_match: { safe_regex: { regex: "GET|HEAD|OPTIONS|PUT|DELETE" } } }],
                },
                request_mirror_policies: [{ cluster: "shadow", runtime_fraction: { default_value: { numerator: 25, denominator: "HUNDRED" } } }],
                hash_policy: [{ header: { header_name: "X-User" } }, { cookie: { name: "sticky", ttl: { seconds: 3600 }, path: "/" }, terminal: true }],
              },
            },
            { request_headers_to_add: [{ header: { key: "x-vhost", value: "1" } }] },
          ),
        ],
      },
    ] as never);
    const p = tables.get("weft.outbound")!.virtualHosts[0]!.routes[0]!.policy;
    expect(p.timeoutMs).toBe(0);
    expect(p.prefixRewrite).toBe("/v2");
    expect(p.requestHeaders).toEqual([
      { op: "remove", name: "x-secret", value: "" },
      { op: "set", name: "x-level", value: "route" },
      { op: "append", name: "x-vhost", value: "1" },
      { op: "append", name: "x-level", value: "config" },
    ]);
    expect(p.responseHeaders).toEqual([{ op: "add_if_absent", name: "x-served-by", value: "weft" }]);
    expect(p.retry).toMatchObject({ numRetries: 3, perTryTimeoutMs: 250, backoffBaseMs: 10, backoffMaxMs: 100 });
    expect([...p.retry!.retryOn]).toEqual(["5xx", "connect-failure", "retriable-status-codes", "unavailable"]);
    expect([...p.retry!.grpcCodes]).toEqual([14]);
    expect([...p.retry!.retriableStatusCodes]).toEqual([409]);
    expect(p.retry!.retriableRequestHeaders[0]!.regex!.test("PUT")).toBe(true);
    expect(p.retry!.retriableRequestHeaders[0]!.regex!.test("POST")).toBe(false);
    expect(p.mirrors).toEqual([{ cluster: "shadow", fraction: 0.25 }]);
    expect(p.hashPolicies).toEqual([
      { kind: "header", name: "x-user", cookieTtlSeconds: undefined, cookiePath: "", terminal: false },
      { kind: "cookie", name: "sticky", cookieTtlSeconds: 3600, cookiePath: "/", terminal: true },
    ]);
  });

  it("translates fault and local rate limit overrides from typed_per_filter_config", () => {
    const r = first({
      name: "r",
      match: { prefix: "/" },
      route: { cluster: "c" },
      typed_per_filter_config: {
        "envoy.filters.http.fault": {
          "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
          delay: { fixed_delay: { seconds: 2 }, percentage: { numerator: 5000, denominator: "TEN_THOUSAND" } },
          abort: { http_status: 503, percentage: { numerator: 10 } },
          headers: [{ name: "x-chaos", present_match: true }],
        },
        "envoy.filters.http.local_ratelimit": {
          "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
          stat_prefix: "r",
          token_bucket: { max_tokens: 5, tokens_per_fill: { value: 2 }, fill_interval: { seconds: 1 } },
          filter_enabled: { default_value: { numerator: 100 } },
          filter_enforced: { default_value: { numerator: 100 } },
        },
      },
    });
    expect(r.policy.fault).toMatchObject({ delayMs: 2000, delayFraction: 0.5, abortStatus: 503, abortFraction: 0.1 });
    expect(r.policy.fault!.headers[0]).toMatchObject({ name: "x-chaos", kind: "present" });
    expect(r.policy.rateLimit).toMatchObject({ maxTokens: 5, tokensPerFill: 2, fillIntervalMs: 1000, enabledFraction: 1, enforcedFraction: 1, status: 429 });
  });

  it("NACKs with the resource and field", () => {
    const vh = (routes: Array<Record<string, unknown>>) => ({ name: "reviews.default", domains: ["reviews"], routes });
    expect(reason(vh([{ match: { prefix: "/" }, route: { weighted_clusters: { clusters: [{ name: "a", weight: { value: 0 } }] } } }]))).toBe(`${W}: weighted_clusters weights sum to 0`);
    expect(reason(withRoute({ match: { safe_regex: { regex: "(a" } }, route: { cluster: "c" } }))).toBe(`${W} match.safe_regex: regex "(a" is not valid RE2: missing )`);
    expect(reason(withRoute({ match: { prefix: "/", headers: [{ name: "x", string_match: { safe_regex: { regex: "(?=x)" } } }] }, route: { cluster: "c" } }))).toContain(
      `${W} match.headers[0] string_match.safe_regex: regex "(?=x)" is not valid RE2`,
    );
    expect(reason(withRoute({ match: { prefix: "/", headers: [{ name: "x", exact_match: "z" }] }, route: { cluster: "c" } }))).toContain("exact_match not supported yet; use string_match");
    expect(reason(withRoute({ match: { prefix: "/", headers: [{ name: ":status", present_match: true }] }, route: { cluster: "c" } }))).toContain("pseudo-header :status not supported yet");
    expect(reason(withRoute({ match: { prefix: "/" }, redirect: { path_redirect: "/x" } }))).toContain("redirect action not supported yet");
    expect(reason(withRoute({ match: { safe_regex: { regex: "/x" } }, route: { cluster: "c", prefix_rewrite: "/v2" } }))).toContain("route.prefix_rewrite needs a prefix or path match");
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster_header: "x-cluster" } }))).toContain("route.cluster_header not supported yet");
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c", retry_policy: { retry_on: "5xx,refused-stream" } } }))).toContain(
      `${W} route.retry_policy retry_on: "refused-stream" not supported yet`,
    );
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c", hedge_policy: { hedge_on_per_try_timeout: true } } }))).toBe(`${W}: route.hedge_policy not supported yet`);
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c" }, request_headers_to_add: [{ header: { key: "x", value: "%START_TIME%" } }] }))).toContain(
      "request_headers_to_add[0].header.value: %COMMAND% substitutions not supported yet",
    );
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c" }, request_headers_to_remove: ["host"] }))).toContain("header host cannot be modified");
    expect(
      reason(
        withRoute({
          match: { prefix: "/" },
          route: { cluster: "c" },
          typed_per_filter_config: { "envoy.filters.http.fault": { "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault", abort: { http_status: 99 } } },
        }),
      ),
    ).toContain('typed_per_filter_config["envoy.filters.http.fault"] abort: http_status 99 must be in [200, 600)');
    expect(
      reason(
        withRoute({
          match: { prefix: "/" },
          route: { cluster: "c" },
          typed_per_filter_config: { x: { "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit", stat_prefix: "s", token_bucket: { max_tokens: 1, fill_interval: { nanos: 1000 } } } },
        }),
      ),
    ).toContain("token_bucket: fill_interval must be at least 50ms");
    // Durations Envoy calls out of range; values past a timer's reach are kept (the clock steps them).
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c", timeout: { seconds: -1 } } }))).toBe(`${W}: route.timeout must not be negative`);
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c", timeout: { nanos: 1e9 } } }))).toBe(`${W}: route.timeout.nanos 1000000000 must be below 1000000000 (carry whole seconds in seconds)`);
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c", retry_policy: { per_try_timeout: { nanos: -5 } } } }))).toBe(`${W} route.retry_policy: per_try_timeout must not be negative`);
    expect(first({ match: { prefix: "/" }, route: { cluster: "c", timeout: { seconds: 30 * 86_400 } } }).policy.timeoutMs).toBe(30 * 86_400_000);
    // Header values: no control characters (HTTP/1.1 could not carry them); non-ASCII text as its UTF-8 bytes, as Envoy sends it.
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c" }, response_headers_to_add: [{ header: { key: "x", value: "a\u0001b" } }] }))).toBe(
      `${W} response_headers_to_add[0].header.value: contains a control character ("\\u0001"); use visible characters, space or tab`,
    );
    expect(first({ match: { prefix: "/" }, route: { cluster: "c" }, request_headers_to_add: [{ header: { key: "x-price", value: "5 €" } }] }).policy.requestHeaders.flat()).toEqual([
      { op: "append", name: "x-price", value: Buffer.from("5 €", "utf8").toString("latin1") },
    ]);
    expect(reason(withRoute({ match: { prefix: "/" }, route: { cluster: "c" } }, { retry_policy: { retry_on: "5xx" } }))).toBe(
      'route "weft.outbound" virtual_host "reviews.default": retry_policy not supported yet',
    );
    expect(reason({ name: "a", domains: ["a*b.example.com"], routes: [] })).toContain('domain "a*b.example.com": a wildcard must be the whole domain, its first or its last character');
    expect(reason({ name: "a", domains: [] })).toBe('route "weft.outbound" virtual_host "a": domains is empty');
    expect(reason({ name: "a", domains: ["x"] }, { name: "b", domains: ["x"] })).toBe('route "weft.outbound" virtual_host "b": domain "x" is also claimed by virtual_host "a"');
  });
});
