// Endpoint health as "2/3 healthy" with a coloured status, and the per-endpoint badge.
import type { EndpointHealth } from "@weft/contracts";
import { Badge, type Tone } from "../../ui/badge";
import type { EndpointCounts } from "./service-model";

export function EndpointHealthSummary({ counts }: { counts: EndpointCounts }) {
  if (counts.total === 0) return <span className="muted">no endpoints</span>;
  const tone: Tone = counts.healthy === counts.total ? "ok" : counts.healthy === 0 ? "bad" : "warn";
  const extra = [counts.unhealthy ? `${counts.unhealthy} unhealthy` : "", counts.draining ? `${counts.draining} draining` : ""].filter(Boolean).join(", ");
  return (
    <span className="row" style={{ gap: 6 }}>
      <Badge tone={tone} dot>
        <span className="num">
          {counts.healthy}/{counts.total}
        </span>{" "}
        healthy
      </Badge>
      {extra ? <span className="table__sub">{extra}</span> : null}
    </span>
  );
}

const HEALTH_TONE: Record<EndpointHealth, Tone> = { healthy: "ok", unhealthy: "bad", draining: "warn" };

export function HealthBadge({ health }: { health: EndpointHealth }) {
  return (
    <Badge tone={HEALTH_TONE[health]} dot>
      {health}
    </Badge>
  );
}
