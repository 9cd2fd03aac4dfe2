import { describe, expect, it } from "vitest";
import type { GraphEdge, GraphNode, ServiceGraph } from "@weft/contracts";
import { graphTotals, quietReason, sourcePhrase } from "./graph-status";

const node = (id: string, extra: Partial<GraphNode> = {}): GraphNode => ({
  id,
  name: id,
  namespace: "x",
  versions: [],
  reportingInstances: 1,
  requestsPerSecond: 0,
  errorRate: 0,
  health: "idle",
  ...extra,
});
const edge = (source: string, target: string, rps: number, errorRate = 0): GraphEdge => ({ source, target, targetVersion: "v1", requestsPerSecond: rps, errorRate, p99Ms: 10 });
const graph = (nodes: GraphNode[], edges: GraphEdge[], reportingProxies: number): ServiceGraph => ({ windowSeconds: 10, generatedAt: "", nodes, edges, reportingProxies });

describe("quietReason / graphTotals", () => {
  it("explains an empty or quiet graph", () => {
    expect(quietReason(graph([], [], 0))).toBe("no-services");
    expect(quietReason(graph([node("a.x")], [], 0))).toBe("no-sidecars");
    expect(quietReason(graph([node("a.x")], [], 2))).toBe("no-traffic");
    expect(quietReason(graph([node("a.x")], [edge("external", "a.x", 1)], 1))).toBeNull();
    // A store that does not answer is not a quiet mesh.
    expect(quietReason({ ...graph([node("a.x")], [], 0), source: { backend: "prometheus", state: "unreachable", detail: "ECONNREFUSED" } })).toBe("unreachable");
  });
  it("says where the numbers come from", () => {
    expect(sourcePhrase({ backend: "builtin", state: "ok", detail: "" })).toBe("as the sidecars report them");
    expect(sourcePhrase({ backend: "prometheus", state: "ok", detail: "" })).toMatch(/^as Prometheus scraped them/);
    expect(sourcePhrase(undefined)).toBe("as the sidecars report them");
  });
  it("sums ingress and weighted errors", () => {
    const t = graphTotals(graph([node("external"), node("a.x", { health: "failing" })], [edge("external", "a.x", 10, 0.1), edge("a.x", "b.x", 30)], 2));
    expect(t).toMatchObject({ services: 1, ingressPerSecond: 10, totalPerSecond: 40, unhealthy: 1 });
    expect(t.errorRate).toBeCloseTo(0.025);
  });
});
