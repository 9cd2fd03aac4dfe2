"use client";
// The React Flow canvas. Positions come from a per-canvas layout cache keyed on the graph's
// structure, so refreshed metrics re-render labels but never move a node; the view is fitted
// again only when a service or link appears or goes.
import "@xyflow/react/dist/style.css";
import { Background, BackgroundVariant, Controls, MarkerType, ReactFlow, ReactFlowProvider, useReactFlow, type NodeMouseHandler } from "@xyflow/react";
import type { ServiceGraph } from "@weft/contracts";
import { useEffect, useMemo, useRef, useState } from "react";
import { ServiceNode } from "./service-node";
import { createLayoutCache, toFlow, type ServiceFlowNode } from "./to-flow";
import { TONE_STROKE, TrafficEdge } from "./traffic-edge";

const nodeTypes = { service: ServiceNode };
const edgeTypes = { traffic: TrafficEdge };

export interface GraphCanvasProps {
  graph: ServiceGraph;
  onOpenNode?: (nodeId: string) => void;
}

export function GraphCanvas(props: GraphCanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

function Canvas({ graph, onOpenNode }: GraphCanvasProps) {
  const [layoutOf] = useState(createLayoutCache);
  const { key, positions } = layoutOf(graph);
  const { nodes, edges } = useMemo(() => {
    const flow = toFlow(graph, positions);
    return {
      nodes: flow.nodes,
            // Marker size is in stroke widths: divide so every arrowhead is about 12 px.
      edges: flow.edges.map((e) => {
        const size = Math.max(2.2, 12 / e.data!.strokeWidth);
        return { ...e, markerEnd: { type: MarkerType.ArrowClosed, color: TONE_STROKE[e.data!.tone], width: size, height: size } };
      }),
    };
  }, [graph, positions]);

  const { fitView } = useReactFlow();
  // Fitted once per structure: metric pushes re-render (and may resize) nodes, never re-fit the view.
  const fittedFor = useRef("");
  const [settledKey, setSettledKey] = useState("");
  useEffect(() => {
    if (fittedFor.current === key) return;
    // Wait a frame so newly added nodes are measured before fitting.
    const t = setTimeout(() => {
      fittedFor.current = key;
      void fitView({ padding: 0.08, maxZoom: 1.1, duration: 200 }).then(() => setSettledKey(key));
    }, 60);
    return () => clearTimeout(t);
  }, [key, fitView]);

  const onNodeClick: NodeMouseHandler<ServiceFlowNode> = (_, node) => {
    if (node.data.kind === "service") onOpenNode?.(node.id);
  };

  return (
    <div className="graph-canvas" data-testid="service-graph" data-layout-key={key} data-view-key={settledKey}>
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodeClick={onNodeClick}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        fitView
        fitViewOptions={{ padding: 0.08, maxZoom: 1.1 }}
        minZoom={0.25}
        maxZoom={1.75}
      >
        <Background variant={BackgroundVariant.Dots} gap={18} size={1.2} color="#d5d9e0" />
        <Controls showInteractive={false} position="bottom-right" />
      </ReactFlow>
    </div>
  );
}
