// Renders an EmptyReason: the empty panel (or, when data is still on screen, a banner) with an
// icon per cause, so every telemetry view explains itself the same way.
import { EmptyState } from "../../ui/empty-state";
import { ActivityIcon, AlertIcon, InboxIcon, PlugIcon } from "../../ui/icons";
import type { EmptyKind, EmptyReason } from "./empty-reason";

const ICONS: Record<EmptyKind, typeof ActivityIcon> = { unreachable: AlertIcon, no_reports: PlugIcon, no_traffic: ActivityIcon, no_match: InboxIcon };

export function TelemetryEmpty({ reason, compact = false }: { reason: EmptyReason; compact?: boolean }) {
  const Icon = ICONS[reason.kind];
  if (compact) {
    // Cards under "Traffic by version", which explains the same cause in full: one line.
    return (
      <div className="telemetry-note" role="status" data-testid="telemetry-empty" data-reason={reason.kind} title={reason.body}>
        <Icon size={16} />
        <span>
          <strong>{reason.title}.</strong> {reason.kind === "no_match" ? reason.body : "Why, and what to do: Traffic by version, above."}
        </span>
      </div>
    );
  }
  return (
    <div className="telemetry-empty" data-testid="telemetry-empty" data-reason={reason.kind}>
      <EmptyState title={reason.title} icon={<Icon size={22} />}>
        {reason.body}
        {reason.hint ? (
          <>
            {" "}
            <code>{reason.hint}</code>
          </>
        ) : null}
      </EmptyState>
    </div>
  );
}

/** One line above data that may not be current (the store stopped answering). */
export function TelemetryBanner({ reason }: { reason: EmptyReason }) {
  const Icon = ICONS[reason.kind];
  const tone = reason.kind === "unreachable" ? "bad" : reason.kind === "no_reports" ? "warn" : "info";
  return (
    <div className={`alert alert--${tone}`} role="status" data-testid="telemetry-banner" data-reason={reason.kind}>
      <Icon size={16} />
      <span>
        <strong>{reason.title}.</strong> {reason.body}
        {reason.hint ? (
          <>
            {" "}
            <code>{reason.hint}</code>
          </>
        ) : null}
      </span>
    </div>
  );
}
