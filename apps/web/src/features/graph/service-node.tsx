"use client";
// A service on the graph: health (colour + word), inbound req/s, namespace, instances, versions.
import { Handle, Position, type NodeProps } from "@xyflow/react";
import { formatPercent, formatRate } from "../../ui/format";
import { GlobeIcon } from "../../ui/icons";
import { colorOfVersion } from "../../ui/palette";
import type { ServiceFlowNode } from "./to-flow";

const HEALTH_LABEL: Record<string, string> = {
  healthy: "healthy",
  degraded: "degraded",
  failing: "failing",
  idle: "idle",
  unknown: "no data",
};

export function ServiceNode({ data }: NodeProps<ServiceFlowNode>) {
  if (data.kind === "external") {
    return (
      <div className="svc-node svc-node--external svc-node--idle" data-testid="graph-node" data-node-id="external">
        <Handle type="source" position={Position.Right} isConnectable={false} />
        <div className="svc-node__top">
          <span className="svc-node__name row" style={{ gap: 6 }}>
            <GlobeIcon size={14} /> external
          </span>
          <span className="svc-node__rate">
            {formatRate(data.outboundPerSecond)} <small>req/s</small>
          </span>
        </div>
        <div className="svc-node__meta">Callers outside the mesh</div>
      </div>
    );
  }
  const healthClass = data.health === "unknown" ? "unknown-health" : data.health;
  return (
    <div className={`svc-node svc-node--${healthClass}${data.kind === "unknown" ? " svc-node--unknown" : ""}`} data-testid="graph-node" data-node-id={`${data.name}.${data.namespace}`}>
      <Handle type="target" position={Position.Left} isConnectable={false} />
      <Handle type="source" position={Position.Right} isConnectable={false} />
      <div className="svc-node__top">
        <span className="svc-node__name" title={`${data.name}.${data.namespace}`}>
          {data.name}
        </span>
        <span className="svc-node__rate" title="Inbound requests per second">
          {formatRate(data.requestsPerSecond)} <small>req/s</small>
        </span>
      </div>
      <div className="svc-node__meta">
        <span className="svc-node__health">
          <span className="dot" aria-hidden="true" />
          {HEALTH_LABEL[data.health] ?? data.health}
        </span>
        {/* Always in the DOM (empty when 0): an element removed by a refresh between mousedown and
            mouseup would swallow the click that opens the service. */}
        <span className={data.errorRate >= 0.01 ? "text-bad" : undefined}>{data.errorRate > 0 ? `${formatPercent(data.errorRate)} err` : ""}</span>
        <span className="svc-node__spacer" />
        <span title="Instances whose sidecar reported in the window">
          {data.reportingInstances} {data.reportingInstances === 1 ? "instance" : "instances"}
        </span>
      </div>
      <div className="svc-node__meta">
        {data.versions.length > 0 ? (
          <span className="chips">
            {[...data.versions].sort().map((v) => (
              <span key={v} className="chip">
                <span className="chip__swatch" style={{ background: colorOfVersion(data.versions, v) }} aria-hidden="true" />
                {v}
              </span>
            ))}
          </span>
        ) : (
          <span>{data.kind === "unknown" ? "not a Weft service" : "no versions"}</span>
        )}
        <span className="svc-node__spacer" />
        <span className="mono" title="Namespace">
          {data.namespace}
        </span>
      </div>
    </div>
  );
}
