// The chosen span in full: what it is, where it sits on the trace's time axis, its status (and
// failure reason), ids, and every attribute — Weft's and OpenTelemetry's first.
import type { Span } from "@weft/contracts";
import { Fragment } from "react";
import { Badge } from "../../ui/badge";
import { formatMs } from "../../ui/format";
import { describeReason } from "../failures/failure-reasons";
import { errorReason, spanAttributes } from "./waterfall";

export function SpanDetails({ span, traceStartMs, color }: { span: Span; traceStartMs: number; color: string }) {
  const reason = errorReason(span);
  const attrs = spanAttributes(span);
  return (
    <section className="card span-details" aria-label="Span details" data-testid="span-details">
      <div className="card__header">
        <div style={{ minWidth: 0 }}>
          <div className="card__title row" style={{ gap: 8 }}>
            <span className="waterfall__swatch" style={{ background: color }} aria-hidden="true" />
            {span.name}
          </div>
          <div className="card__subtitle">
            {span.service} · {span.kind} span · starts at +{formatMs(span.startUnixMs - traceStartMs)} · lasts {formatMs(span.durationMs)}
          </div>
        </div>
        {span.status === "error" ? (
          <Badge tone="bad" dot>
            error
          </Badge>
        ) : (
          // OpenTelemetry leaves a successful span's status unset: both read as "ok".
          <Badge tone="ok" dot title={span.status === "unset" ? "status unset: no error recorded" : undefined}>
            ok
          </Badge>
        )}
      </div>
      {reason ? (
        <div className="alert alert--bad span-details__reason" role="note">
          <span>
            <strong className="mono">{reason}</strong> — {describeReason(reason)}
          </span>
        </div>
      ) : null}
      <dl className="kv span-details__kv">
        <dt>Span id</dt>
        <dd className="mono">{span.spanId}</dd>
        <dt>Parent</dt>
        <dd className="mono">{span.parentSpanId || "— (root)"}</dd>
        {attrs.map(([k, v]) => (
          <Fragment key={k}>
            <dt className="mono">{k}</dt>
            <dd className={v === "" ? "muted" : "mono"}>{v === "" ? "— (empty)" : v}</dd>
          </Fragment>
        ))}
      </dl>
      {attrs.length === 0 ? <p className="muted span-details__none">This span carries no attributes.</p> : null}
    </section>
  );
}
