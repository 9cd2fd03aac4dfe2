// A list of traces (TraceSummary): root operation, the services it crossed, span count, duration
// (with a bar relative to the slowest listed), status with the first failure reason, and age.
// Used by /traces and by a service's "recent traces".
import type { TraceSummary } from "@weft/contracts";
import Link from "next/link";
import { Badge } from "../../ui/badge";
import { formatAgo, formatMs } from "../../ui/format";

export function TraceTable({ traces, now, label = "Traces" }: { traces: readonly TraceSummary[]; now: number; label?: string }) {
  const slowest = Math.max(0.001, ...traces.map((t) => t.durationMs));
  return (
    <div className="table-wrap">
      <table className="table trace-table" aria-label={label}>
        <thead>
          <tr>
            <th>Trace</th>
            <th>Services</th>
            <th className="num">Spans</th>
            <th>Duration</th>
            <th>Status</th>
            <th>Started</th>
          </tr>
        </thead>
        <tbody>
          {traces.map((t) => (
            <tr key={t.traceId} data-trace-id={t.traceId} data-status={t.status}>
              <td>
                <Link href={`/traces/${t.traceId}`} className="table__primary">
                  {t.rootName || t.rootService}
                </Link>
                <div className="table__sub mono">{t.traceId}</div>
              </td>
              <td>
                <span className="chips">
                  {t.services.map((s) => (
                    <span key={s} className="chip">
                      {s}
                    </span>
                  ))}
                </span>
              </td>
              <td className="num">{t.spanCount}</td>
              <td>
                <div className="duration-cell">
                  <span className="duration-cell__bar" style={{ width: `${Math.max(2, (t.durationMs / slowest) * 100)}%` }} aria-hidden="true" />
                  <span className="num nowrap">{formatMs(t.durationMs)}</span>
                </div>
              </td>
              <td>
                {t.status === "error" ? (
                  <Badge tone="bad" dot>
                    error{t.errorReason ? <span className="mono">· {t.errorReason}</span> : null}
                  </Badge>
                ) : (
                  <Badge tone="ok" dot>
                    ok
                  </Badge>
                )}
              </td>
              <td className="nowrap" title={new Date(t.startUnixMs).toISOString()}>
                {formatAgo(new Date(t.startUnixMs).toISOString(), now)}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
