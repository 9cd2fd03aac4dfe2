// The live service graph → React Flow nodes and edges. Layout depends only on the *set* of nodes
// and links (never on metrics), so numbers refreshing every second never move a node: layered left
// to right by call depth from the traffic sources (longest path; cycles broken deterministically),
// ordered within a layer by their callers, idle services in a grid underneath.
import type { Edge, Node, XYPosition } from "@xyflow/react";
import type { GraphEdge, GraphNode, ServiceGraph } from "@weft/contracts";
import { NO_VERSION } from "../telemetry/version-label";

export const EXTERNAL_ID = "external";
export const NODE_WIDTH = 200;
export const NODE_HEIGHT = 84;
const COLUMN_GAP = 130; // room for an edge label between columns
const ROW_GAP = 44;
const IDLE_GAP = 72; // between the layered part and the idle grid

export type NodeKind = "service" | "external" | "unknown";
export type Tone = "ok" | "degraded" | "failing";

export interface ServiceNodeData extends Record<string, unknown> {
  kind: NodeKind;
  name: string;
  namespace: string;
  versions: string[];
  health: GraphNode["health"];
  requestsPerSecond: number;
  errorRate: number;
  reportingInstances: number;
  /** Requests per second leaving this node (sum of its outgoing edges); what "external" shows. */
  outboundPerSecond: number;
}

export interface TrafficEdgeData extends Record<string, unknown> {
  requestsPerSecond: number;
  errorRate: number;
  /** Highest p99 among the target's versions: an upper bound, quantiles do not add up. */
  p99Ms: number | null;
  /** Share of this edge's traffic per target version, sorted by version. */
  versions: Array<{ version: string; requestsPerSecond: number; share: number }>;
  strokeWidth: number;
  tone: Tone;
  /** Seconds one dash of the flow animation takes to travel: faster with more traffic. */
  flowSeconds: number | null;
}

export type ServiceFlowNode = Node<ServiceNodeData, "service">;
export type TrafficFlowEdge = Edge<TrafficEdgeData, "traffic">;

type Link = readonly [source: string, target: string];

/** Node ids and caller→callee links of the graph, sorted and de-duplicated (self-calls dropped). */
export function structureOf(graph: Pick<ServiceGraph, "nodes" | "edges">): { ids: string[]; links: Link[] } {
  const ids = new Set(graph.nodes.map((n) => n.id));
  const links = new Map<string, Link>();
  for (const e of graph.edges) {
    ids.add(e.source);
    ids.add(e.target);
    if (e.source !== e.target) links.set(`${e.source}\u0000${e.target}`, [e.source, e.target]);
  }
  return {
    ids: [...ids].sort(compareIds),
    links: [...links.values()].sort((a, b) => compareIds(a[0], b[0]) || compareIds(a[1], b[1])),
  };
}

/** Identity of the layout: equal keys ⇒ identical positions. */
export function structureKey(graph: Pick<ServiceGraph, "nodes" | "edges">): string {
  const { ids, links } = structureOf(graph);
  return `${ids.join(",")}|${links.map(([s, t]) => `${s}>${t}`).join(",")}`;
}

/** "external" first, then by id: the order every tie is broken in. */
function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  if (a === EXTERNAL_ID) return -1;
  if (b === EXTERNAL_ID) return 1;
  return a < b ? -1 : 1;
}

/** Positions (top-left corners) for every node id. */
export function layoutGraph(ids: readonly string[], links: readonly Link[]): Map<string, XYPosition> {
  const out = new Map<string, XYPosition>();
  const sorted = [...ids].sort(compareIds);
  const succ = new Map<string, string[]>(sorted.map((id) => [id, []]));
  const pred = new Map<string, string[]>(sorted.map((id) => [id, []]));
  for (const [s, t] of links) {
    if (!succ.has(s) || !succ.has(t) || s === t) continue;
    succ.get(s)!.push(t);
    pred.get(t)!.push(s);
  }
  for (const list of succ.values()) list.sort(compareIds);

  const connected = sorted.filter((id) => succ.get(id)!.length > 0 || pred.get(id)!.length > 0);
  const idle = sorted.filter((id) => succ.get(id)!.length === 0 && pred.get(id)!.length === 0);

  // 1. Break cycles: depth-first from the sources (then any leftover node), dropping edges that
  //    point back into the current path. Deterministic because every list is sorted.
  const back = new Set<string>();
  const state = new Map<string, "active" | "done">();
  const visit = (id: string) => {
    state.set(id, "active");
    for (const t of succ.get(id)!) {
      const st = state.get(t);
      if (st === "active") back.add(`${id}\u0000${t}`);
      else if (!st) visit(t);
    }
    state.set(id, "done");
  };
  const sources = connected.filter((id) => id === EXTERNAL_ID || pred.get(id)!.length === 0);
  for (const id of [...sources, ...connected]) if (!state.has(id)) visit(id);

  // 2. Longest-path layering over the remaining DAG (Kahn's order, sorted queue).
  const depth = new Map<string, number>();
  const indeg = new Map(connected.map((id) => [id, pred.get(id)!.filter((p) => !back.has(`${p}\u0000${id}`)).length]));
  const queue = connected.filter((id) => indeg.get(id) === 0);
  for (const id of queue) depth.set(id, 0);
  while (queue.length > 0) {
    const id = queue.shift()!;
    for (const t of succ.get(id)!) {
      if (back.has(`${id}\u0000${t}`)) continue;
      depth.set(t, Math.max(depth.get(t) ?? 0, depth.get(id)! + 1));
      indeg.set(t, indeg.get(t)! - 1);
      if (indeg.get(t) === 0) queue.push(t);
    }
  }

  // 3. Order each layer by the mean position of its callers in earlier layers (one sweep).
  const layers: string[][] = [];
  for (const id of connected) {
    const d = depth.get(id) ?? 0;
    (layers[d] ??= []).push(id);
  }
  const rank = new Map<string, number>();
  layers.forEach((layer, d) => {
    if (d > 0) {
      const barycenter = (id: string) => {
        const callers = pred.get(id)!.filter((p) => rank.has(p) && (depth.get(p) ?? 0) < d);
        return callers.length ? callers.reduce((s, p) => s + rank.get(p)!, 0) / callers.length : Number.POSITIVE_INFINITY;
      };
      const bc = new Map(layer.map((id) => [id, barycenter(id)]));
      layer.sort((a, b) => bc.get(a)! - bc.get(b)! || compareIds(a, b));
    }
    layer.forEach((id, i) => rank.set(id, i));
  });

  // 4. Coordinates: columns by depth, each column centred on the tallest one.
  const tallest = Math.max(0, ...layers.map((l) => l?.length ?? 0));
  const rowPitch = NODE_HEIGHT + ROW_GAP;
  layers.forEach((layer, d) => {
    const offset = ((tallest - layer.length) * rowPitch) / 2;
    layer.forEach((id, i) => out.set(id, { x: d * (NODE_WIDTH + COLUMN_GAP), y: offset + i * rowPitch }));
  });

  // 5. Idle services (no traffic in the window) in a grid below, as wide as the graph (≥ 4).
  const perRow = Math.max(4, layers.length);
  const top = tallest > 0 ? tallest * rowPitch - ROW_GAP + IDLE_GAP : 0;
  idle.forEach((id, i) => {
    out.set(id, { x: (i % perRow) * (NODE_WIDTH + 40), y: top + Math.floor(i / perRow) * rowPitch });
  });
  return out;
}

export function toneOf(errorRate: number): Tone {
  if (errorRate >= 0.05) return "failing";
  if (errorRate >= 0.01) return "degraded";
  return "ok";
}

/** Stroke width in px: 1.5 for a trickle, growing with log10(req/s), capped at 7. */
export function strokeWidthFor(rps: number): number {
  if (!(rps > 0)) return 1.5;
  return Math.round(Math.min(7, 1.5 + Math.log10(1 + rps) * 2) * 10) / 10;
}

/** Period of the flow animation: 2.4 s for a trickle down to 0.5 s at 1k req/s and above; none when idle. */
export function flowSecondsFor(rps: number): number | null {
  if (!(rps > 0)) return null;
  return Math.round(Math.max(0.5, 2.4 - Math.log10(1 + rps) * 0.63) * 100) / 100;
}

/** Folds the per-version edges of one caller→callee pair into one edge. */
export function aggregateEdges(edges: readonly GraphEdge[]): Map<string, TrafficEdgeData & { source: string; target: string }> {
  const byPair = new Map<string, { source: string; target: string; rps: number; errors: number; p99: number | null; versions: Map<string, number> }>();
  for (const e of edges) {
    const key = `${e.source}\u0000${e.target}`;
    const agg = byPair.get(key) ?? { source: e.source, target: e.target, rps: 0, errors: 0, p99: null, versions: new Map<string, number>() };
    agg.rps += e.requestsPerSecond;
    agg.errors += e.requestsPerSecond * e.errorRate;
    if (e.p99Ms !== null) agg.p99 = Math.max(agg.p99 ?? 0, e.p99Ms);
    // Requests no version served (aborted by a fault, no healthy endpoint): named as on the charts.
    const v = e.targetVersion || NO_VERSION;
    agg.versions.set(v, (agg.versions.get(v) ?? 0) + e.requestsPerSecond);
    byPair.set(key, agg);
  }
  const out = new Map<string, TrafficEdgeData & { source: string; target: string }>();
  for (const [key, a] of byPair) {
    const errorRate = a.rps > 0 ? a.errors / a.rps : 0;
    out.set(key, {
      source: a.source,
      target: a.target,
      requestsPerSecond: a.rps,
      errorRate,
      p99Ms: a.p99,
      versions: [...a.versions.entries()]
        .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
        .map(([version, rps]) => ({ version, requestsPerSecond: rps, share: a.rps > 0 ? rps / a.rps : 0 })),
      strokeWidth: strokeWidthFor(a.rps),
      tone: toneOf(errorRate),
      flowSeconds: flowSecondsFor(a.rps),
    });
  }
  return out;
}

function nodeData(id: string, node: GraphNode | undefined, outbound: number): ServiceNodeData {
  const kind: NodeKind = id === EXTERNAL_ID ? "external" : node ? "service" : "unknown";
  const [name, namespace] = node ? [node.name, node.namespace] : splitId(id);
  return {
    kind,
    name,
    namespace,
    versions: node?.versions ?? [],
    health: node?.health ?? "unknown",
    requestsPerSecond: node?.requestsPerSecond ?? 0,
    errorRate: node?.errorRate ?? 0,
    reportingInstances: node?.reportingInstances ?? 0,
    outboundPerSecond: outbound,
  };
}

function splitId(id: string): [string, string] {
  const dot = id.indexOf(".");
  return dot > 0 ? [id.slice(0, dot), id.slice(dot + 1)] : [id, ""];
}

/**
 * Nodes and edges for React Flow. `positions` comes from layoutGraph over structureOf(graph);
 * pass the same map while structureKey is unchanged so nothing moves.
 */
export function toFlow(graph: Pick<ServiceGraph, "nodes" | "edges">, positions: ReadonlyMap<string, XYPosition>): { nodes: ServiceFlowNode[]; edges: TrafficFlowEdge[] } {
  const { ids } = structureOf(graph);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const pairs = aggregateEdges(graph.edges);
  const outbound = new Map<string, number>();
  for (const e of pairs.values()) outbound.set(e.source, (outbound.get(e.source) ?? 0) + e.requestsPerSecond);

  const nodes: ServiceFlowNode[] = ids.map((id) => ({
    id,
    type: "service",
    position: positions.get(id) ?? { x: 0, y: 0 },
    data: nodeData(id, byId.get(id), outbound.get(id) ?? 0),
    draggable: false,
    connectable: false,
    deletable: false,
  }));
  const edges: TrafficFlowEdge[] = [...pairs.values()]
    .filter((e) => e.source !== e.target)
    .sort((a, b) => compareIds(a.source, b.source) || compareIds(a.target, b.target))
    .map(({ source, target, ...data }) => ({
      id: `${source}->${target}`,
      source,
      target,
      type: "traffic",
      data,
      // The edge draws its own flow animation (speed by traffic); React Flow's would dash the stroke.
      animated: false,
      deletable: false,
      focusable: true,
    }));
  return { nodes, edges };
}

/**
 * A layout memo for one canvas: returns the same positions object for as long as the graph's
 * structure is unchanged, and lays out again only when a node or link appears or goes.
 */
export function createLayoutCache(): (graph: Pick<ServiceGraph, "nodes" | "edges">) => { key: string; positions: ReadonlyMap<string, XYPosition> } {
  let last: { key: string; positions: ReadonlyMap<string, XYPosition> } | undefined;
  return (graph) => {
    const key = structureKey(graph);
    if (!last || last.key !== key) {
      const { ids, links } = structureOf(graph);
      last = { key, positions: layoutGraph(ids, links) };
    }
    return last;
  };
}
