// Traffic policy, matches, mTLS and TCP as the data plane receives them: policies set through the
// API, then the resources pushed over a real ADS stream, decoded and compared field by field with
// the contract in docs/xds-support.md — for a Weft sidecar and for a generic xDS client.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SidecarMetadata } from "@weft/contracts";
import { structToJson, TypeUrl } from "@weft/contracts/proto";
import { adsSubscriber, SIDECAR_META } from "./ads-client";
import { captureLogs, startTestController, waitFor, type TestController } from "./harness";

const HPO = "envoy.extensions.upstreams.http.v3.HttpProtocolOptions";
const provider = { instance_name: "weft" };
const sec = (s: number, nanos = 0) => ({ seconds: String(s), nanos });
const eds = (name: string) => ({ eds_config: { ads: {}, resource_api_version: "V3" }, service_name: name });
const DB_META: SidecarMetadata = {
  ...SIDECAR_META,
  service: "db",
  version: "v1",
  protocol: "tcp",
  servicePort: 15432,
  inbound: { address: "127.0.0.1", port: 32002 },
  outbound: { address: "127.0.0.1", port: 32001 },
  app: { address: "127.0.0.1", port: 32000 },
  register: false,
};

let t: TestController;
let reviewsId: string;
let sidecar: ReturnType<typeof adsSubscriber>;

beforeAll(async () => {
  t = await startTestController();
  const reviews = await t.api.services.create.mutate({
    name: "reviews",
    port: 9080,
    policy: {
      loadBalancer: { algorithm: "ring-hash", hashOn: { header: "x-user" } },
      connectTimeoutMs: 250,
      circuitBreaker: { maxConnections: 100, maxPendingRequests: 10, maxRequests: 50 },
      retryBudget: { percent: 25, minRetriesPerSecond: 5 },
      outlierDetection: { consecutive5xx: 3, consecutiveGatewayErrors: 2, intervalMs: 5000, baseEjectionMs: 15_000, maxEjectionPercent: 50 },
      healthCheck: { path: "/healthz", intervalMs: 2000, timeoutMs: 500, healthyThreshold: 1, unhealthyThreshold: 2 },
      mtls: { mode: "permissive" },
    },
  });
  reviewsId = reviews.service.id;
  for (const v of ["v1", "v2"]) await t.api.versions.create.mutate({ serviceId: reviewsId, name: v });
  await t.api.endpoints.create.mutate({ serviceId: reviewsId, version: "v1", address: "127.0.0.1", port: 31100 });
  await t.api.routes.create.mutate({
    serviceId: reviewsId,
    name: "api",
    match: {
      path: { type: "regex", value: "/api/v[0-9]+/.*" },
      methods: ["GET", "PUT"],
      authority: { type: "suffix", value: ".shop" },
      headers: [
        { name: "x-exact", type: "exact", value: "a" },
        { name: "x-prefix", type: "prefix", value: "b", invert: true },
        { name: "x-suffix", type: "suffix", value: "c" },
        { name: "x-contains", type: "contains", value: "d" },
        { name: "x-regex", type: "regex", value: "e+" },
        { name: "x-present", type: "present" },
        { name: "x-absent", type: "absent" },
      ],
      queryParams: [
        { name: "q1", type: "exact", value: "1" },
        { name: "q2", type: "prefix", value: "2" },
        { name: "q3", type: "regex", value: "[0-9]+" },
        { name: "q4", type: "present" },
      ],
    },
    backends: [
      { version: "v1", weight: 50 },
      { version: "v2", weight: 50 },
    ],
    policy: {
      timeoutMs: 2500,
      retries: { attempts: 3, perTryTimeoutMs: 800, retryOn: ["5xx", "reset"], statusCodes: [409], backoff: { baseMs: 10, maxMs: 100 } },
      headers: {
        request: { set: { "x-team": "books" }, add: { "x-trace": "on" }, remove: ["x-debug"] },
        response: { set: { "cache-control": "no-store" }, remove: ["server"] },
      },
      rateLimit: { requestsPerSecond: 20, burst: 40 },
      fault: {
        delay: { fixedMs: 1500, percent: 12.5, whenHeader: { name: "x-chaos", value: "on" } },
        abort: { status: 503, percent: 10, whenHeader: { name: "x-chaos", value: "on" } },
      },
      mirror: { version: "v2", percent: 5 },
    },
  });
  await t.api.routes.create.mutate({
    serviceId: reviewsId,
    name: "legacy",
    match: { path: { type: "prefix", value: "/old" } },
    policy: { timeoutMs: 0, rewrite: { pathPrefix: "/new" }, retries: { allowNonIdempotent: true } },
  });
  await t.api.services.create.mutate({ name: "ratings", protocol: "grpc", port: 50051 });
  await t.api.services.create.mutate({
    name: "catalog",
    port: 8080,
    policy: { loadBalancer: { algorithm: "least-request" }, retryBudget: null, circuitBreaker: { maxRetries: 3 } },
  });
  await t.api.services.create.mutate({ name: "db", protocol: "tcp", port: 15432, policy: { circuitBreaker: { maxConnections: 20 } } });

  // The sidecar of reviews v2 registers its inbound listener as an (mTLS) endpoint.
  sidecar = adsSubscriber(t.controller.xdsAddress, "reviews-v2-policy", SIDECAR_META);
  sidecar.subscribe(TypeUrl.Cluster);
  sidecar.subscribe(TypeUrl.ClusterLoadAssignment, ["reviews.default"]);
  sidecar.subscribe(TypeUrl.Listener);
  sidecar.subscribe(TypeUrl.RouteConfiguration, ["weft.outbound", "weft.inbound"]);
  await waitFor("the sidecar's endpoint", async () =>
    (await t.api.services.byId.query({ id: reviewsId })).endpoints.some((e) => e.source === "sidecar" && e.port === SIDECAR_META.inbound.port),
  );
});

afterAll(async () => {
  sidecar?.close();
  await t?.close();
});

describe("a Weft sidecar receives", () => {
  it("clusters with the service policy: ring hash, timeouts, circuit breakers, retry budget, outlier detection, health checks, HTTP/2 by ALPN, mTLS per endpoint", async () => {
    const clusters = await sidecar.until(TypeUrl.Cluster);
    const v1 = clusters["reviews.default|v1"]!;
    const { transport_socket_matches: matches, ...rest } = v1;
    expect(rest).toEqual({
      name: "reviews.default|v1",
      type: "EDS",
      eds_cluster_config: eds("reviews.default|v1"),
      connect_timeout: sec(0, 250_000_000),
      lb_policy: "RING_HASH",
      ring_hash_lb_config: {},
      circuit_breakers: {
        thresholds: [
          {
            priority: "DEFAULT",
            max_connections: { value: 100 },
            max_pending_requests: { value: 10 },
            max_requests: { value: 50 },
            retry_budget: { budget_percent: { value: 25 }, min_retry_concurrency: { value: 5 } },
          },
        ],
      },
      outlier_detection: {
        consecutive_5xx: { value: 3 },
        consecutive_gateway_failure: { value: 2 },
        enforcing_consecutive_gateway_failure: { value: 100 },
        interval: sec(5),
        base_ejection_time: sec(15),
        max_ejection_percent: { value: 50 },
      },
      health_checks: [
        { timeout: sec(0, 500_000_000), interval: sec(2), healthy_threshold: { value: 1 }, unhealthy_threshold: { value: 2 }, http_health_check: { path: "/healthz" } },
      ],
      typed_extension_protocol_options: {
        [HPO]: { "@type": `type.googleapis.com/${HPO}`, auto_config: { http_protocol_options: {}, http2_protocol_options: {} } },
      },
    });
    expect(matches).toHaveLength(1);
    expect(structToJson(matches[0].match)).toEqual({ "weft.io/tls-mode": "mtls" });
    expect(matches[0]).toMatchObject({ name: "mtls" });
    expect(matches[0].transport_socket).toEqual({
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.UpstreamTlsContext",
        common_tls_context: {
          tls_certificate_provider_instance: provider,
          validation_context: {
            ca_certificate_provider_instance: provider,
            match_typed_subject_alt_names: [{ san_type: "URI", matcher: { exact: "spiffe://weft.local/ns/default/sa/reviews" } }],
          },
          alpn_protocols: ["h2", "http/1.1"],
        },
      },
    });
  });

  it("peak EWMA by default (a TypedStruct, then least_request for Envoy), HTTP/2 for gRPC, and the other balancers", async () => {
    const clusters = await sidecar.until(TypeUrl.Cluster);
    const ratings = clusters["ratings.default"]!;
    expect(ratings.lb_policy).toBeUndefined();
    const [peak, fallback, ...more] = ratings.load_balancing_policy.policies;
    expect(more).toEqual([]);
    expect(peak.typed_extension_config.name).toBe("weft.lb.peak_ewma");
    expect(peak.typed_extension_config.typed_config).toMatchObject({ "@type": "type.googleapis.com/xds.type.v3.TypedStruct", type_url: "type.weft.io/weft.lb.v1.PeakEwma" });
    expect(structToJson(peak.typed_extension_config.typed_config.value)).toEqual({ decay_ms: 10_000 });
    expect(fallback).toEqual({
      typed_extension_config: {
        name: "envoy.load_balancing_policies.least_request",
        typed_config: { "@type": "type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest", choice_count: { value: 2 } },
      },
    });
    expect(ratings.typed_extension_protocol_options[HPO]).toEqual({ "@type": `type.googleapis.com/${HPO}`, explicit_http_config: { http2_protocol_options: {} } });
    // The default retry budget: 20 % plus 10 retries per second.
    expect(ratings.circuit_breakers).toEqual({ thresholds: [{ priority: "DEFAULT", retry_budget: { budget_percent: { value: 20 }, min_retry_concurrency: { value: 10 } } }] });
    expect(ratings.connect_timeout).toEqual(sec(1));

    const catalog = clusters["catalog.default"]!;
    expect(catalog).toMatchObject({ lb_policy: "LEAST_REQUEST", least_request_lb_config: { choice_count: { value: 2 } } });
    expect(catalog.load_balancing_policy).toBeUndefined();
    // Budget switched off: max_retries applies instead.
    expect(catalog.circuit_breakers).toEqual({ thresholds: [{ priority: "DEFAULT", max_retries: { value: 3 } }] });

    const db = clusters["db.default"]!;
    expect(db.circuit_breakers).toEqual({ thresholds: [{ priority: "DEFAULT", max_connections: { value: 20 } }] });
    expect(db.typed_extension_protocol_options).toBeUndefined();
    // mTLS without ALPN: the bytes are opaque.
    expect(db.transport_socket_matches[0].transport_socket.typed_config.common_tls_context.alpn_protocols).toBeUndefined();
  });

  it("endpoints marked for mTLS when a sidecar registered them, plain when registered through the API", async () => {
    // Wait for the EDS push that includes the sidecar's own registration.
    const assignments = await sidecar.until(TypeUrl.ClusterLoadAssignment, (r) => r["reviews.default"]?.endpoints[0].lb_endpoints.length === 2);
    const endpoints = assignments["reviews.default"]!.endpoints[0].lb_endpoints as Array<Record<string, any>>;
    const byPort = Object.fromEntries(endpoints.map((e) => [e.endpoint.address.socket_address.port_value, e]));
    expect(structToJson(byPort[SIDECAR_META.inbound.port].metadata.filter_metadata["envoy.transport_socket_match"])).toEqual({ "weft.io/tls-mode": "mtls" });
    expect(byPort[31100].metadata).toBeUndefined();
  });

  it("routes with every match kind and the route policy in the contracted fields", async () => {
    const routes = await sidecar.until(TypeUrl.RouteConfiguration);
    const vhost = (routes["weft.outbound"]!.virtual_hosts as Array<Record<string, any>>).find((v) => v.name === "reviews.default")!;
    const [api, legacy] = vhost.routes;
    expect(api.match).toEqual({
      safe_regex: { regex: "/api/v[0-9]+/.*" },
      headers: [
        { name: ":method", string_match: { safe_regex: { regex: "GET|PUT" } } },
        { name: ":authority", string_match: { suffix: ".shop" } },
        { name: "x-exact", string_match: { exact: "a" } },
        { name: "x-prefix", string_match: { prefix: "b" }, invert_match: true },
        { name: "x-suffix", string_match: { suffix: "c" } },
        { name: "x-contains", string_match: { contains: "d" } },
        { name: "x-regex", string_match: { safe_regex: { regex: "e+" } } },
        { name: "x-present", present_match: true },
        { name: "x-absent", present_match: true, invert_match: true },
      ],
      query_parameters: [
        { name: "q1", string_match: { exact: "1" } },
        { name: "q2", string_match: { prefix: "2" } },
        { name: "q3", string_match: { safe_regex: { regex: "[0-9]+" } } },
        { name: "q4", present_match: true },
      ],
    });
    expect(api.route).toEqual({
      weighted_clusters: { clusters: [{ name: "reviews.default|v1", weight: { value: 50 } }, { name: "reviews.default|v2", weight: { value: 50 } }] },
      timeout: sec(2, 500_000_000),
      retry_policy: {
        retry_on: "5xx,reset,retriable-status-codes",
        num_retries: { value: 3 },
        per_try_timeout: sec(0, 800_000_000),
        retry_back_off: { base_interval: sec(0, 10_000_000), max_interval: sec(0, 100_000_000) },
        retriable_status_codes: [409],
        retriable_request_headers: [{ name: ":method", string_match: { safe_regex: { regex: "GET|HEAD|OPTIONS|PUT|DELETE" } } }],
      },
      request_mirror_policies: [{ cluster: "reviews.default|v2", runtime_fraction: { default_value: { numerator: 5, denominator: "HUNDRED" } } }],
      hash_policy: [{ header: { header_name: "x-user" } }],
    });
    expect(api.request_headers_to_add).toEqual([
      { header: { key: "x-team", value: "books" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" },
      { header: { key: "x-trace", value: "on" }, append_action: "APPEND_IF_EXISTS_OR_ADD" },
    ]);
    expect(api.request_headers_to_remove).toEqual(["x-debug"]);
    expect(api.response_headers_to_add).toEqual([{ header: { key: "cache-control", value: "no-store" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }]);
    expect(api.response_headers_to_remove).toEqual(["server"]);
    expect(api.typed_per_filter_config).toEqual({
      "envoy.filters.http.fault": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault",
        delay: { fixed_delay: sec(1, 500_000_000), percentage: { numerator: 125_000, denominator: "MILLION" } },
        abort: { http_status: 503, percentage: { numerator: 10, denominator: "HUNDRED" } },
        headers: [{ name: "x-chaos", string_match: { exact: "on" } }],
      },
      "envoy.filters.http.local_ratelimit": {
        "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit",
        stat_prefix: "weft_local_rate_limit",
        token_bucket: { max_tokens: 40, tokens_per_fill: { value: 20 }, fill_interval: sec(1) },
        filter_enabled: { default_value: { numerator: 100, denominator: "HUNDRED" } },
        filter_enforced: { default_value: { numerator: 100, denominator: "HUNDRED" } },
      },
    });

    // timeout 0 = none, prefix rewrite, non-idempotent retries allowed: no method restriction.
    expect(legacy.match).toEqual({ prefix: "/old" });
    expect(legacy.route).toEqual({
      cluster: "reviews.default",
      timeout: sec(0),
      prefix_rewrite: "/new",
      retry_policy: {
        retry_on: "connect-failure,reset,gateway-error",
        num_retries: { value: 2 },
        retry_back_off: { base_interval: sec(0, 25_000_000), max_interval: sec(0, 250_000_000) },
      },
      hash_policy: [{ header: { header_name: "x-user" } }],
    });
    // A service without policy gets plain routes (and the inbound side never times out on its own).
    const ratings = (routes["weft.outbound"]!.virtual_hosts as Array<Record<string, any>>).find((v) => v.name === "ratings.default")!;
    expect(ratings.routes).toEqual([{ name: "default", match: { prefix: "/" }, route: { cluster: "ratings.default" } }]);
    expect(routes["weft.inbound"]!.virtual_hosts[0].routes[0].route).toEqual({ cluster: "weft.inbound|local", timeout: sec(0) });
  });

  it("listeners: fault, rate limit then router; PERMISSIVE inbound; an outbound TCP listener per TCP service; STRICT after a policy change", async () => {
    const listeners = await sidecar.until(TypeUrl.Listener);
    expect(Object.keys(listeners).sort()).toEqual(["weft.inbound", "weft.outbound", "weft.outbound.tcp|db.default"]);

    const hcm = listeners["weft.outbound"]!.filter_chains[0].filters[0].typed_config;
    expect(hcm.http_filters).toEqual([
      { name: "envoy.filters.http.fault", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault" } },
      {
        name: "envoy.filters.http.local_ratelimit",
        typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit", stat_prefix: "weft_local_rate_limit" },
      },
      { name: "envoy.filters.http.router", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.router.v3.Router" } },
    ]);

    const downstreamTls = {
      name: "envoy.transport_sockets.tls",
      typed_config: {
        "@type": "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.DownstreamTlsContext",
        common_tls_context: {
          tls_certificate_provider_instance: provider,
          validation_context: {
            ca_certificate_provider_instance: provider,
            match_typed_subject_alt_names: [{ san_type: "URI", matcher: { prefix: "spiffe://weft.local/" } }],
          },
          alpn_protocols: ["h2", "http/1.1"],
        },
        require_client_certificate: { value: true },
      },
    };
    const inbound = listeners["weft.inbound"]!;
    expect(inbound.listener_filters).toEqual([
      { name: "envoy.filters.listener.tls_inspector", typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.listener.tls_inspector.v3.TlsInspector" } },
    ]);
    expect(inbound.filter_chains.map((c: any) => [c.name, c.filter_chain_match, c.transport_socket])).toEqual([
      ["mtls", { transport_protocol: "tls" }, downstreamTls],
      ["plaintext", { transport_protocol: "raw_buffer" }, undefined],
    ]);
    expect(inbound.filter_chains[1].filters[0].typed_config.rds.route_config_name).toBe("weft.inbound");

    expect(listeners["weft.outbound.tcp|db.default"]).toEqual({
      name: "weft.outbound.tcp|db.default",
      address: { socket_address: { address: "127.0.0.1", port_value: 15432 } },
      traffic_direction: "OUTBOUND",
      filter_chains: [
        {
          filters: [
            {
              name: "envoy.filters.network.tcp_proxy",
              typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", stat_prefix: "weft.outbound.tcp|db.default", cluster: "db.default" },
            },
          ],
        },
      ],
    });

    // Switching the service to STRICT reaches its sidecar as an LDS push: one chain, mTLS required.
    await t.api.services.update.mutate({ id: reviewsId, policy: { mtls: { mode: "strict" }, loadBalancer: { algorithm: "ring-hash", hashOn: { header: "x-user" } } } });
    const strict = (await sidecar.until(TypeUrl.Listener, (l) => l["weft.inbound"]!.filter_chains.length === 1))["weft.inbound"]!;
    expect(strict.listener_filters).toBeUndefined();
    expect(strict.filter_chains.map((c: any) => [c.name, c.filter_chain_match, c.transport_socket])).toEqual([["mtls", undefined, downstreamTls]]);
  });

  it("a TCP service's sidecar: STRICT mTLS to tcp_proxy towards the local app, and no outbound listener on its own port", async () => {
    const db = adsSubscriber(t.controller.xdsAddress, "db-v1", DB_META);
    try {
      db.subscribe(TypeUrl.Listener);
      const listeners = await db.until(TypeUrl.Listener);
      expect(Object.keys(listeners).sort()).toEqual(["weft.inbound", "weft.outbound"]);
      const [chain, ...others] = listeners["weft.inbound"]!.filter_chains;
      expect(others).toEqual([]);
      expect(chain.filters).toEqual([
        {
          name: "envoy.filters.network.tcp_proxy",
          typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy", stat_prefix: "weft.inbound", cluster: "weft.inbound|local" },
        },
      ]);
      expect(chain.transport_socket.typed_config.require_client_certificate).toEqual({ value: true });
      expect(chain.transport_socket.typed_config.common_tls_context.alpn_protocols).toBeUndefined();
    } finally {
      db.close();
    }
  });
});

it("a gRPC service's sidecar speaks HTTP/2 to its local app; an HTTP one HTTP/1.1", async () => {
  const clusters = async (nodeId: string, protocol: "grpc" | "http", service: string) => {
    const c = adsSubscriber(t.controller.xdsAddress, nodeId, { ...DB_META, service, protocol, register: false });
    try {
      c.subscribe(TypeUrl.Cluster);
      return (await c.until(TypeUrl.Cluster))["weft.inbound|local"]!;
    } finally {
      c.close();
    }
  };
  expect((await clusters("grpc-app", "grpc", "payments")).typed_extension_protocol_options).toEqual({
    [HPO]: { "@type": `type.googleapis.com/${HPO}`, explicit_http_config: { http2_protocol_options: {} } },
  });
  expect((await clusters("http-app", "http", "web")).typed_extension_protocol_options).toBeUndefined();
});

it("does not register a TCP service whose port another TCP service uses, and says why", async () => {
  const { log, lines } = captureLogs();
  const t2 = await startTestController({ log });
  const c = adsSubscriber(t2.controller.xdsAddress, "cache-v1", { ...DB_META, service: "cache", register: true });
  try {
    await t2.api.services.create.mutate({ name: "db", protocol: "tcp", port: 15432 });
    c.subscribe(TypeUrl.Listener);
    await c.until(TypeUrl.Listener);
    await waitFor("the refusal to be logged", () => lines.some((l) => l.includes("port 15432 is already used by TCP service db.default")));
    expect((await t2.api.services.list.query()).map((s) => s.name)).toEqual(["db"]);
  } finally {
    c.close();
    await t2.close();
  }
});

describe("a generic xDS client (Envoy, proxyless gRPC) receives", () => {
  it("plaintext clusters with a round_robin fallback gRPC implements, and the rate limit marked optional", async () => {
    const c = adsSubscriber(t.controller.xdsAddress, "generic-policy", null);
    try {
      c.subscribe(TypeUrl.Cluster);
      c.subscribe(TypeUrl.Listener, ["reviews"]);
      c.subscribe(TypeUrl.RouteConfiguration, ["reviews.default"]);
      const clusters = await c.until(TypeUrl.Cluster);
      expect(clusters["reviews.default|v1"]!.transport_socket_matches).toBeUndefined();
      expect(clusters["reviews.default|v1"]!.typed_extension_protocol_options).toBeUndefined();
      const names = (x: Record<string, any>) => x.load_balancing_policy.policies.map((p: any) => p.typed_extension_config.name);
      expect(names(clusters["ratings.default"]!)).toEqual(["weft.lb.peak_ewma", "envoy.load_balancing_policies.least_request", "envoy.load_balancing_policies.round_robin"]);
      expect(names(clusters["catalog.default"]!)).toEqual(["envoy.load_balancing_policies.least_request", "envoy.load_balancing_policies.round_robin"]);

      const api = (await c.until(TypeUrl.Listener))["reviews"]!;
      expect(api.api_listener.api_listener.http_filters.map((f: any) => [f.name, f.is_optional])).toEqual([
        ["envoy.filters.http.fault", undefined],
        ["envoy.filters.http.local_ratelimit", true],
        ["envoy.filters.http.router", undefined],
      ]);
      const route = (await c.until(TypeUrl.RouteConfiguration))["reviews.default"]!.virtual_hosts[0].routes[0];
      expect(route.typed_per_filter_config["envoy.filters.http.local_ratelimit"]).toMatchObject({
        "@type": "type.googleapis.com/envoy.config.route.v3.FilterConfig",
        is_optional: true,
        config: { "@type": "type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit", token_bucket: { max_tokens: 40 } },
      });
      expect(route.typed_per_filter_config["envoy.filters.http.fault"]["@type"]).toBe("type.googleapis.com/envoy.extensions.filters.http.fault.v3.HTTPFault");
    } finally {
      c.close();
    }
  });
});
