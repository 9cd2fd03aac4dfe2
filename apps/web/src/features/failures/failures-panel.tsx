"use client";
// A service's failed requests: counts by reason over the window (each a filter), and the recent
// failures the sidecars sampled — when, what, from whom, status, reason, duration, upstream, and
// a link to the request's trace.
import type { FailureReason, RecentFailure } from "@weft/contracts";
import Link from "next/link";
import { useState } from "react";
import { Badge } from "../../ui/badge";
import { formatAgo, formatMs, formatPercent } from "../../ui/format";
import { describeReason, failureStatus, reasonShares, reasonTone, recentFailures, traceLink } from "./failure-reasons";

/** Failures listed before "Show all": enough to see a pattern, short enough to reach the traces below. */
const FIRST_ROWS = 10;

export function ReasonBadge({ reason }: { reason: FailureReason }) {
  return (
    <Badge tone={reasonTone(reason)} title={describeReason(reason)}>
      <span className="mono">{reason}</span>
    </Badge>
  );
}

export function FailuresPanel(props: {
  counts: ReadonlyArray<{ reason: FailureReason; count: number }>;
  /** Failures counted without a reason (sidecars that do not report one). */
  unexplained?: number;
  failures: readonly RecentFailure[];
  now: number;
}) {
  const [only, setOnly] = useState<FailureReason | null>(null);
  const [showAll, setShowAll] = useState(false);
  const shares = reasonShares(props.counts);
  const all = recentFailures(props.failures, only);
  const list = showAll ? all : all.slice(0, FIRST_ROWS);
  return (
    <div className="failures">
      {shares.length > 0 ? (
        <ul className="reason-bars" aria-label="Failures by reason">
          {shares.map((s) => (
            <li key={s.reason}>
              <button
                type="button"
                className={`reason-bar${only === s.reason ? " reason-bar--on" : ""}`}
                aria-pressed={only === s.reason}
                title={`${describeReason(s.reason)} Click to show only these.`}
                onClick={() => setOnly(only === s.reason ? null : s.reason)}
                data-reason={s.reason}
              >
                <span className="reason-bar__name mono">{s.reason}</span>
                <span className="reason-bar__track" aria-hidden="true">
                  <span className={`reason-bar__fill reason-bar__fill--${reasonTone(s.reason)}`} style={{ width: `${Math.max(2, s.share * 100)}%` }} />
                </span>
                <span className="reason-bar__count num">{s.count.toLocaleString("en-US")}</span>
                <span className="reason-bar__share num">{formatPercent(s.share)}</span>
              </button>
              <div className="reason-bar__text">{describeReason(s.reason)}</div>
            </li>
          ))}
        </ul>
      ) : null}
      {props.unexplained && props.unexplained > 0 ? (
        <p className="muted failures__none" data-testid="failures-unexplained">
          {props.unexplained.toLocaleString("en-US")} failed {props.unexplained === 1 ? "request was" : "requests were"} counted without a reason: the sidecars
          that saw {props.unexplained === 1 ? "it" : "them"} do not report one (older than the controller?).
        </p>
      ) : null}
      {list.length === 0 ? (
        <p className="muted failures__none">
          {only ? `No sampled ${only} failure to show; the counts above include every failure, the list only samples.` : "The sidecars sampled no failed request yet; counts above include every failure."}
        </p>
      ) : (
        <div className="table-wrap">
          <table className="table" aria-label="Recent failed requests">
            <thead>
              <tr>
                <th>When</th>
                <th>Request</th>
                <th>From → to</th>
                <th>Status</th>
                <th>Reason</th>
                <th className="num">Duration</th>
                <th>Trace</th>
              </tr>
            </thead>
            <tbody>
              {list.map((f, i) => {
                const trace = traceLink(f.traceId);
                return (
                  <tr key={`${f.timeUnixMs}-${f.nodeId}-${i}`} data-reason={f.reason}>
                    <td className="nowrap" title={new Date(f.timeUnixMs).toISOString()}>
                      {formatAgo(new Date(f.timeUnixMs).toISOString(), props.now)}
                    </td>
                    <td>
                      <span className="mono">
                        {f.method} {f.path}
                      </span>
                      <div className="table__sub">
                        route <span className="mono">{f.route || "—"}</span>
                        {f.upstream ? (
                          <>
                            {" "}
                            · upstream <span className="mono">{f.upstream}</span>
                          </>
                        ) : null}
                      </div>
                    </td>
                    <td className="nowrap">
                      {f.sourceService || "external"} → {f.destinationService}
                      {f.destinationVersion ? <span className="muted"> @{f.destinationVersion}</span> : null}
                      <div className="table__sub">
                        {f.direction} · <span className="mono">{f.nodeId}</span>
                      </div>
                    </td>
                    <td className="mono">{failureStatus(f)}</td>
                    <td>
                      <ReasonBadge reason={f.reason} />
                    </td>
                    <td className="num">{formatMs(f.durationMs)}</td>
                    <td>{trace ? <Link href={trace}>View trace</Link> : <span className="muted">not traced</span>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          {all.length > list.length ? (
            <div className="failures__more">
              <button type="button" className="btn btn--sm" onClick={() => setShowAll(true)}>
                Show all {all.length} sampled failures
              </button>
            </div>
          ) : null}
        </div>
      )}
    </div>
  );
}

