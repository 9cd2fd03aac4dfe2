import { describe, expect, it } from "vitest";
import { LATENCY_BUCKETS_MS, type EdgeSample } from "@weft/contracts";
import { createFakeClock } from "@weft/test-kit";
import { buildSnapshot } from "../domain/snapshot";
import { createTelemetryService, MAX_EDGES_PER_SECOND } from "./telemetry-service";

const snapshot = buildSnapshot({
  revision: 1,
  services: ["storefront", "reviews"].map((name) => ({
    id: name,
    name,
    namespace: "default",
    protocol: "http" as const,
    port: 80,
    description: "",
    policy: {},
    createdAt: new Date(0),
    updatedAt: new Date(0),
    versions: name === "reviews" ? [{ id: "v1", name: "v1", labels: {} }, { id: "v2", name: "v2", labels: {} }] : [{ id: "v1s", name: "v1", labels: {} }],
    endpoints: [],
    routes: [],
  })),
});

function sample(over: Partial<EdgeSample>): EdgeSample {
  const buckets = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  buckets[LATENCY_BUCKETS_MS.indexOf(10)] = over.requests ?? 0;
  return {
    direction: "outbound",
    sourceService: "storefront",
    sourceNamespace: "default",
    sourceVersion: "v1",
    destinationService: "reviews",
    destinationNamespace: "default",
    destinationVersion: "v1",
    route: "default",
    statusClass: "2xx",
    requests: 0,
    failures: 0,
    durationSumMs: 0,
    durationBuckets: buckets,
    requestBytes: 0,
    responseBytes: 0,
    ...over,
  };
}

describe("telemetry service", () => {
  it("turns per-second reports into edge rates, error rates and p99 over the window", () => {
    const clock = createFakeClock(1_700_000_000_000);
    const t = createTelemetryService({ clock, snapshot: () => snapshot });
    for (let s = 0; s < 10; s++) {
      const windowStartMs = clock.now() - 1000;
      t.ingest({ nodeId: "sf-1", service: "storefront", namespace: "default", version: "v1", windowStartMs, windowMs: 1000, edges: [
        sample({ requests: 8, destinationVersion: "v1" }),
        sample({ requests: 2, failures: 1, statusClass: "5xx", destinationVersion: "v2" }),
        sample({ direction: "inbound", sourceService: "", sourceNamespace: "", destinationService: "storefront", requests: 10 }),
      ] });
      t.ingest({ nodeId: "rv-1", service: "reviews", namespace: "default", version: "v1", windowStartMs, windowMs: 1000, edges: [
        // Reported by the callee too: must not double the storefront -> reviews edge.
        sample({ direction: "inbound", requests: 8 }),
      ] });
      clock.advance(1000);
    }
    const g = t.graph(10);
    expect(g.reportingProxies).toBe(2);
    expect(g.edges).toEqual([
      { source: "external", target: "storefront.default", targetVersion: "v1", requestsPerSecond: 10, errorRate: 0, p99Ms: expect.closeTo(9.95, 1) },
      { source: "storefront.default", target: "reviews.default", targetVersion: "v1", requestsPerSecond: 8, errorRate: 0, p99Ms: expect.any(Number) },
      { source: "storefront.default", target: "reviews.default", targetVersion: "v2", requestsPerSecond: 2, errorRate: 0.5, p99Ms: expect.any(Number) },
    ]);
    const reviews = g.nodes.find((n) => n.id === "reviews.default")!;
    expect(reviews).toMatchObject({ versions: ["v1", "v2"], reportingInstances: 1, requestsPerSecond: 8, health: "healthy" });
    expect(g.nodes[0]!.id).toBe("external");
  });

  it("forgets traffic outside the window and says which services are not reporting", () => {
    const clock = createFakeClock(1_700_000_000_000);
    const t = createTelemetryService({ clock, snapshot: () => snapshot });
    t.ingest({ nodeId: "sf-1", service: "storefront", namespace: "default", version: "v1", windowStartMs: clock.now() - 1000, windowMs: 1000, edges: [sample({ requests: 5 })] });
    clock.advance(1000);
    expect(t.graph(10).edges).toHaveLength(1);
    clock.advance(30_000);
    const g = t.graph(10);
    expect(g.edges).toEqual([]);
    expect(g.reportingProxies).toBe(0);
    expect(g.nodes.every((n) => n.health === "unknown")).toBe(true);
  });

  it("caps the number of series per second", () => {
    const clock = createFakeClock(1_700_000_000_000);
    const t = createTelemetryService({ clock, snapshot: () => snapshot });
    const edges = Array.from({ length: MAX_EDGES_PER_SECOND + 5 }, (_, i) => sample({ requests: 1, destinationVersion: `v${i}` }));
    t.ingest({ nodeId: "sf-1", service: "storefront", namespace: "default", version: "v1", windowStartMs: clock.now() - 1000, windowMs: 1000, edges });
    expect(t.droppedSeries()).toBe(5);
  });
});
