"use client";
// A caller → callee edge: thickness by req/s, colour by error ratio, a moving dash whose speed
// follows the traffic, and a label with req/s, error %, p99 and — when the callee has several
// versions — how the traffic split between them.
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from "@xyflow/react";
import { formatMs, formatPercent, formatRate } from "../../ui/format";
import type { TrafficFlowEdge } from "./to-flow";

export const TONE_STROKE = { ok: "#9aa3b2", degraded: "#d97706", failing: "#dc2626" } as const;

export function TrafficEdge(props: EdgeProps<TrafficFlowEdge>) {
  const { id, sourceX, sourceY, targetX, targetY, sourcePosition, targetPosition, data, markerEnd } = props;
  const [path, labelX, labelY] = getBezierPath({ sourceX, sourceY, sourcePosition, targetX, targetY, targetPosition });
  if (!data) return <BaseEdge id={id} path={path} />;
  const stroke = TONE_STROKE[data.tone];
  return (
    <>
      <BaseEdge id={id} path={path} markerEnd={markerEnd} style={{ stroke, strokeWidth: data.strokeWidth }} />
      {data.flowSeconds !== null ? (
        <path
          d={path}
          className="edge-flow"
          style={{ strokeWidth: Math.max(1, data.strokeWidth * 0.45), animationDuration: `${data.flowSeconds}s` }}
          aria-hidden="true"
        />
      ) : null}
      <EdgeLabelRenderer>
        <div
          className={`edge-label edge-label--${data.tone} nodrag nopan`}
          style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          data-testid="graph-edge-label"
          data-edge={id}
        >
          <div className="edge-label__main">{formatRate(data.requestsPerSecond)} req/s</div>
          <div>
            <span className={data.tone === "ok" ? undefined : `edge-label__err--${data.tone}`}>{formatPercent(data.errorRate)} err</span>
            <span className="edge-label__sep">·</span>
            <span>p99 {formatMs(data.p99Ms).replace(" ", "\u2009")}</span>
          </div>
          {data.versions.length > 1 ? (
            <div className="edge-label__versions">
              {data.versions.map((v) => (
                <span key={v.version}>
                  {v.version} {Math.round(v.share * 100)}%
                </span>
              ))}
            </div>
          ) : null}
        </div>
      </EdgeLabelRenderer>
    </>
  );
}
