import { describe, expect, it } from "vitest";
import type { GraphEdge, GraphNode, ServiceGraph } from "@weft/contracts";
import { aggregateEdges, createLayoutCache, flowSecondsFor, layoutGraph, strokeWidthFor, structureKey, structureOf, toFlow, toneOf, NODE_WIDTH } from "./to-flow";

const node = (id: string, extra: Partial<GraphNode> = {}): GraphNode => ({
  id,
  name: id.split(".")[0]!,
  namespace: id.split(".")[1] ?? "",
  versions: ["v1"],
  reportingInstances: 1,
  requestsPerSecond: 0,
  errorRate: 0,
  health: "idle",
  ...extra,
});
const edge = (source: string, target: string, rps = 10, extra: Partial<GraphEdge> = {}): GraphEdge => ({
  source,
  target,
  targetVersion: "v1",
  requestsPerSecond: rps,
  errorRate: 0,
  p99Ms: 20,
  ...extra,
});
const graph = (nodes: GraphNode[], edges: GraphEdge[], reportingProxies = 3): ServiceGraph => ({
  windowSeconds: 10,
  generatedAt: "2025-01-01T00:00:00Z",
  nodes,
  edges,
  reportingProxies,
});

// external → frontend → (reviews, details); reviews → ratings; idle "mailer".
const bookinfo = (rps = 10) =>
  graph(
    [node("external", { versions: [] }), node("frontend.default"), node("reviews.default", { versions: ["v1", "v2"] }), node("details.default"), node("ratings.default"), node("mailer.default")],
    [
      edge("external", "frontend.default", rps),
      edge("frontend.default", "reviews.default", rps * 0.8, { targetVersion: "v1" }),
      edge("frontend.default", "reviews.default", rps * 0.2, { targetVersion: "v2", p99Ms: 90 }),
      edge("frontend.default", "details.default", rps),
      edge("reviews.default", "ratings.default", rps / 2),
    ],
  );

const positionsOf = (g: ServiceGraph) => {
  const { ids, links } = structureOf(g);
  return layoutGraph(ids, links);
};
const column = (g: ServiceGraph, id: string) => Math.round(positionsOf(g).get(id)!.x / (NODE_WIDTH + 130));

describe("layoutGraph", () => {
  it("layers left to right by call depth from external", () => {
    const g = bookinfo();
    expect(column(g, "external")).toBe(0);
    expect(column(g, "frontend.default")).toBe(1);
    expect(column(g, "reviews.default")).toBe(2);
    expect(column(g, "details.default")).toBe(2);
    expect(column(g, "ratings.default")).toBe(3);
  });

  it("uses the longest path, so a shortcut edge does not pull a node left", () => {
    const g = graph([node("a.x"), node("b.x"), node("c.x")], [edge("a.x", "b.x"), edge("b.x", "c.x"), edge("a.x", "c.x")]);
    expect([column(g, "a.x"), column(g, "b.x"), column(g, "c.x")]).toEqual([0, 1, 2]);
  });

  it("survives cycles deterministically", () => {
    const g = graph([node("a.x"), node("b.x")], [edge("a.x", "b.x"), edge("b.x", "a.x")]);
    expect([column(g, "a.x"), column(g, "b.x")]).toEqual([0, 1]);
  });

  it("puts idle services in a grid below the traffic", () => {
    const g = bookinfo();
    const p = positionsOf(g);
    const lowest = Math.max(...["external", "frontend.default", "reviews.default", "details.default", "ratings.default"].map((id) => p.get(id)!.y));
    expect(p.get("mailer.default")!.y).toBeGreaterThan(lowest);
  });

  it("gives every node its own place", () => {
    const p = positionsOf(bookinfo());
    const seen = new Set([...p.values()].map(({ x, y }) => `${x},${y}`));
    expect(seen.size).toBe(p.size);
  });

  it("does not depend on input order", () => {
    const g = bookinfo();
    const shuffled = graph([...g.nodes].reverse(), [...g.edges].reverse());
    expect([...positionsOf(shuffled).entries()].sort()).toEqual([...positionsOf(g).entries()].sort());
  });
});

describe("structureKey", () => {
  it("ignores metrics, so refreshed numbers keep the layout", () => {
    const a = bookinfo(10);
    const b = bookinfo(250);
    b.nodes[1] = { ...b.nodes[1]!, requestsPerSecond: 99, health: "failing", errorRate: 0.3 };
    expect(structureKey(b)).toBe(structureKey(a));
    expect(toFlow(b, positionsOf(a)).nodes.map((n) => n.position)).toEqual(toFlow(a, positionsOf(a)).nodes.map((n) => n.position));
  });

  it("changes when a service or a link appears", () => {
    const a = bookinfo();
    expect(structureKey(graph([...a.nodes, node("new.default")], a.edges))).not.toBe(structureKey(a));
    expect(structureKey(graph(a.nodes, [...a.edges, edge("details.default", "ratings.default")]))).not.toBe(structureKey(a));
  });

  it("does not change when only a version of an existing link appears", () => {
    const a = bookinfo();
    expect(structureKey(graph(a.nodes, [...a.edges, edge("reviews.default", "ratings.default", 1, { targetVersion: "v9" })]))).toBe(structureKey(a));
  });
});

describe("createLayoutCache", () => {
  it("returns the very same positions while only metrics change, and relays out on new structure", () => {
    const layoutOf = createLayoutCache();
    const first = layoutOf(bookinfo(10));
    expect(layoutOf(bookinfo(900))).toBe(first);
    const grown = bookinfo(10);
    const next = layoutOf(graph([...grown.nodes, node("new.default")], grown.edges));
    expect(next).not.toBe(first);
    expect(next.positions.has("new.default")).toBe(true);
  });
});

describe("aggregateEdges", () => {
  it("names the share no version served (requests aborted before reaching one) as the charts do", () => {
    const pair = aggregateEdges([edge("a", "b", 1, { targetVersion: "" }), edge("a", "b", 3)]).get("a\u0000b")!;
    expect(pair.versions.map((v) => [v.version, v.share])).toEqual([
      ["answered by sidecar", 0.25],
      ["v1", 0.75],
    ]);
  });

  it("folds versions of one pair: summed rate, weighted errors, worst p99, shares", () => {
    const pairs = aggregateEdges([
      edge("f", "r", 8, { targetVersion: "v1", errorRate: 0, p99Ms: 30 }),
      edge("f", "r", 2, { targetVersion: "v2", errorRate: 0.5, p99Ms: 120 }),
    ]);
    const e = pairs.get("f\u0000r")!;
    expect(e.requestsPerSecond).toBe(10);
    expect(e.errorRate).toBeCloseTo(0.1);
    expect(e.p99Ms).toBe(120);
    expect(e.versions).toEqual([
      { version: "v1", requestsPerSecond: 8, share: 0.8 },
      { version: "v2", requestsPerSecond: 2, share: 0.2 },
    ]);
    expect(e.tone).toBe("failing");
  });

  it("keeps p99 unknown when no version has one", () => {
    expect(aggregateEdges([edge("a", "b", 1, { p99Ms: null })]).get("a\u0000b")!.p99Ms).toBeNull();
  });
});

describe("toFlow", () => {
  it("makes one node per service, one edge per caller→callee pair", () => {
    const g = bookinfo();
    const flow = toFlow(g, positionsOf(g));
    expect(flow.nodes.map((n) => n.id)).toEqual(["external", "details.default", "frontend.default", "mailer.default", "ratings.default", "reviews.default"]);
    expect(flow.edges.map((e) => e.id)).toEqual([
      "external->frontend.default",
      "frontend.default->details.default",
      "frontend.default->reviews.default",
      "reviews.default->ratings.default",
    ]);
    expect(flow.nodes.find((n) => n.id === "external")!.data.kind).toBe("external");
    expect(flow.nodes.find((n) => n.id === "external")!.data.outboundPerSecond).toBe(10);
    expect(flow.edges.every((e) => e.data!.flowSeconds !== null)).toBe(true);
  });

  it("adds a node for a caller that is not a known service", () => {
    const g = graph([node("reviews.default")], [edge("legacy.batch", "reviews.default")]);
    const flow = toFlow(g, positionsOf(g));
    const legacy = flow.nodes.find((n) => n.id === "legacy.batch")!;
    expect(legacy.data).toMatchObject({ kind: "unknown", name: "legacy", namespace: "batch", health: "unknown" });
  });
});

describe("edge styling", () => {
  it("thickens with traffic, within bounds", () => {
    expect(strokeWidthFor(0)).toBe(1.5);
    expect(strokeWidthFor(1)).toBeLessThan(strokeWidthFor(100));
    expect(strokeWidthFor(1e9)).toBe(7);
  });
  it("animates faster with more traffic, and not at all when idle", () => {
    expect(flowSecondsFor(0)).toBeNull();
    expect(flowSecondsFor(1)!).toBeGreaterThan(flowSecondsFor(100)!);
    expect(flowSecondsFor(1e6)).toBe(0.5);
  });
  it("colours by error ratio", () => {
    expect(toneOf(0)).toBe("ok");
    expect(toneOf(0.01)).toBe("degraded");
    expect(toneOf(0.2)).toBe("failing");
  });
});
