import { describe, expect, it } from "vitest";
import { jsonToStruct } from "@weft/contracts/proto";
import { toClusterConfigs } from "./clusters";
import { edsCluster } from "../../../test/support/xds-fixtures";

const policyOf = (patch: Record<string, unknown>) => toClusterConfigs([{ ...edsCluster("a.b"), ...patch }] as never).get("a.b")!.policy;
const reason = (patch: Record<string, unknown>) => {
  try {
    policyOf(patch);
  } catch (err) {
    return (err as Error).message;
  }
  return "accepted";
};
const ext = (name: string, typed_config: Record<string, unknown>) => ({ typed_extension_config: { name, typed_config } });
const peakEwma = (decayMs?: number) =>
  ext("weft.peak_ewma", {
    "@type": "type.googleapis.com/xds.type.v3.TypedStruct",
    type_url: "type.weft.io/weft.lb.v1.PeakEwma",
    value: jsonToStruct(decayMs === undefined ? {} : { decay_ms: decayMs }),
  });
const leastRequest = ext("envoy.load_balancing_policies.least_request", {
  "@type": "type.googleapis.com/envoy.extensions.load_balancing_policies.least_request.v3.LeastRequest",
  choice_count: { value: 3 },
});

describe("toClusterPolicy", () => {
  it("defaults as Envoy, with Weft's retry budget on (20% + 10/s)", () => {
    expect(policyOf({})).toEqual({
      lbPolicy: "round_robin",
      choiceCount: 2,
      ewmaDecayMs: 10_000,
      ringMinSize: 1024,
      ringMaxSize: 8_388_608,
      limits: { maxConnections: 1024, maxPendingRequests: 1024, maxRequests: 1024, maxRetries: 3 },
      retryBudget: { ratio: 0.2, minPerSecond: 10 },
      outlier: undefined,
      healthCheck: undefined,
    });
  });

  it("takes the first load_balancing_policy it supports: Weft's PeakEwma TypedStruct, else Envoy's fallback", () => {
    expect(policyOf({ load_balancing_policy: { policies: [peakEwma(2500), leastRequest] } })).toMatchObject({ lbPolicy: "peak_ewma", ewmaDecayMs: 2500 });
    expect(policyOf({ load_balancing_policy: { policies: [peakEwma(), leastRequest] } })).toMatchObject({ lbPolicy: "peak_ewma", ewmaDecayMs: 10_000 });
    const unknown = ext("x", { "@type": "type.googleapis.com/xds.type.v3.TypedStruct", type_url: "type.example/Other", value: jsonToStruct({}) });
    expect(policyOf({ load_balancing_policy: { policies: [unknown, leastRequest] } })).toMatchObject({ lbPolicy: "least_request", choiceCount: 3 });
    expect(reason({ load_balancing_policy: { policies: [unknown] } })).toContain('cluster "a.b" load_balancing_policy: no supported policy among type.googleapis.com/xds.type.v3.TypedStruct');
    expect(reason({ load_balancing_policy: { policies: [peakEwma(-1)] } })).toContain("decay_ms must be a positive number of milliseconds (got -1)");
  });

  it("reads lb_policy LEAST_REQUEST and RING_HASH with their configs", () => {
    expect(policyOf({ lb_policy: "LEAST_REQUEST", least_request_lb_config: { choice_count: { value: 4 } } })).toMatchObject({ lbPolicy: "least_request", choiceCount: 4 });
    expect(policyOf({ lb_policy: "RING_HASH", ring_hash_lb_config: { minimum_ring_size: { value: "64" }, maximum_ring_size: { value: "4096" } } })).toMatchObject({
      lbPolicy: "ring_hash",
      ringMinSize: 64,
      ringMaxSize: 4096,
    });
    expect(reason({ lb_policy: "LEAST_REQUEST", least_request_lb_config: { choice_count: { value: 1 } } })).toContain("choice_count 1 must be at least 2");
  });

  it("reads DEFAULT-priority circuit breakers and the retry budget", () => {
    const p = policyOf({
      circuit_breakers: {
        thresholds: [
          { priority: "HIGH", max_requests: { value: 1 } },
          { max_connections: { value: 10 }, max_pending_requests: { value: 5 }, max_requests: { value: 20 }, max_retries: { value: 2 }, retry_budget: { budget_percent: { value: 50 }, min_retry_concurrency: { value: 1 } } },
        ],
      },
    });
    expect(p.limits).toEqual({ maxConnections: 10, maxPendingRequests: 5, maxRequests: 20, maxRetries: 2 });
    expect(p.retryBudget).toEqual({ ratio: 0.5, minPerSecond: 1 });
    expect(reason({ circuit_breakers: { per_host_thresholds: [{ max_connections: { value: 1 } }] } })).toContain("per_host_thresholds not supported yet");
  });

  it("reads outlier detection and one HTTP health check", () => {
    const p = policyOf({
      outlier_detection: { consecutive_5xx: { value: 3 }, interval: { seconds: 5 }, base_ejection_time: { seconds: 10 }, max_ejection_percent: { value: 50 } },
      health_checks: [{ timeout: { seconds: 1 }, interval: { seconds: 5 }, healthy_threshold: { value: 2 }, unhealthy_threshold: { value: 3 }, http_health_check: { path: "/healthz" } }],
    });
    expect(p.outlier).toEqual({
      consecutive5xx: 3,
      enforcing5xx: 100,
      consecutiveGatewayFailure: 5,
      enforcingGatewayFailure: 0,
      baseEjectionMs: 10_000,
      maxEjectionMs: 300_000,
      intervalMs: 5_000,
      maxEjectionPercent: 50,
    });
    expect(p.healthCheck).toEqual({ path: "/healthz", host: "a.b", intervalMs: 5000, timeoutMs: 1000, healthyThreshold: 2, unhealthyThreshold: 3, expectedStatuses: [[200, 201]] });
    expect(reason({ outlier_detection: { failure_percentage_threshold: { value: 10 } } })).toBe('cluster "a.b" outlier_detection: failure_percentage_threshold not supported yet');
    expect(reason({ health_checks: [{ timeout: { seconds: 1 }, interval: { seconds: 1 }, healthy_threshold: { value: 1 }, unhealthy_threshold: { value: 1 }, tcp_health_check: {} }] })).toContain(
      "health_checks[0]: tcp_health_check not supported yet (http_health_check only)",
    );
    expect(reason({ health_checks: [{ interval: { seconds: 1 }, healthy_threshold: { value: 1 }, unhealthy_threshold: { value: 1 }, http_health_check: { path: "/h" } }] })).toContain(
      "health_checks[0]: timeout must be positive",
    );
  });
});
