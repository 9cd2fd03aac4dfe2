"use client";
// /traces/[traceId]: one request across the mesh — a span waterfall (nested by parent, on the
// trace's time axis, a colour per service), headline figures, and the chosen span's details.
// The first failed span is chosen from the start, so a failure's reason is on screen at once.
import Link from "next/link";
import { useMemo, useState } from "react";
import { weftCodeOf } from "../../trpc/errors";
import { Badge } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { formatDateTime, formatMs, formatTime } from "../../ui/format";
import { ActivityIcon } from "../../ui/icons";
import { PageHeader } from "../../ui/page-header";
import { LoadingRows, QueryError, Stat } from "../../ui/query-state";
import { useTrace } from "../telemetry/use-telemetry";
import { serviceColor } from "./service-colors";
import { SpanDetails } from "./span-details";
import { SpanWaterfall } from "./span-waterfall";
import { rootCause, toWaterfall } from "./waterfall";

const CRUMBS = [{ href: "/traces", label: "Traces" }];

export function TracePage({ traceId }: { traceId: string }) {
  const trace = useTrace(traceId);
  const waterfall = useMemo(() => toWaterfall(trace.data?.spans ?? []), [trace.data]);
  const [chosen, setChosen] = useState<string | null>(null);

  if (trace.isPending) {
    return (
      <div className="page">
        <PageHeader title="Trace" crumbs={CRUMBS} description={<span className="mono">{traceId}</span>} />
        <section className="card">
          <LoadingRows rows={5} columns={2} />
        </section>
      </div>
    );
  }
  const notFound = (trace.isError && weftCodeOf(trace.error) === "WEFT_NOT_FOUND") || (trace.data && trace.data.spans.length === 0);
  if (notFound || !trace.data) {
    return (
      <div className="page">
        <PageHeader title="Trace" crumbs={CRUMBS} description={<span className="mono">{traceId}</span>} />
        <section className="card">
          {notFound ? (
            <EmptyState title="The controller has no span of this trace" icon={<ActivityIcon size={22} />} action={<Link href="/traces" className="btn">Search traces</Link>}>
              Either its spans have not arrived yet (sidecars export them within a few seconds), the request was not sampled, or the trace is older than
              what the controller keeps — it stores a bounded number of recent traces and drops the oldest first.
            </EmptyState>
          ) : (
            <QueryError what="the trace" error={trace.error} onRetry={() => void trace.refetch()} />
          )}
        </section>
      </div>
    );
  }

  const rows = waterfall.rows;
  const root = rows[0]!.span;
  const errors = rows.filter((r) => r.isError);
  const cause = rootCause(waterfall);
  const selectedId = chosen ?? cause?.span.spanId ?? root.spanId;
  const selected = rows.find((r) => r.span.spanId === selectedId)?.span ?? root;

  return (
    <div className="page">
      <PageHeader
        crumbs={CRUMBS}
        title={
          <span className="row" style={{ gap: 10 }}>
            {root.name}
            {cause ? (
              <Badge tone="bad" dot title={`First failed at ${cause.span.name}`}>
                error · <span className="mono">{cause.reason}</span>
              </Badge>
            ) : (
              <Badge tone="ok" dot>
                ok
              </Badge>
            )}
          </span>
        }
        description={
          <>
            Trace <span className="mono">{trace.data.traceId}</span>
          </>
        }
      />

      <div className="stats">
        <Stat label="Duration" value={formatMs(waterfall.durationMs)} />
        <Stat label="Spans" value={rows.length} />
        <Stat label="Services" value={waterfall.services.length} />
        <Stat label="Failed spans" value={errors.length} tone={errors.length > 0 ? "bad" : undefined} />
        <Stat label="Started" value={<span title={formatDateTime(new Date(waterfall.startUnixMs).toISOString())}>{formatTime(new Date(waterfall.startUnixMs).toISOString())}</span>} />
      </div>

      <section className="card" aria-label="Span waterfall">
        <div className="card__header">
          <div>
            <div className="card__title">Spans</div>
            <div className="card__subtitle">One span per hop: the inbound side of each service and each call it made. Choose a span for its attributes.</div>
          </div>
          <div className="chips" aria-label="Services">
            {waterfall.services.map((s) => (
              <span key={s} className="chip">
                <span className="chip__swatch" style={{ background: serviceColor(waterfall.services, s) }} aria-hidden="true" />
                {s}
              </span>
            ))}
          </div>
        </div>
        <SpanWaterfall waterfall={waterfall} selected={selected.spanId} onSelect={setChosen} />
      </section>

      <SpanDetails span={selected} traceStartMs={waterfall.startUnixMs} color={serviceColor(waterfall.services, selected.service)} />
    </div>
  );
}
