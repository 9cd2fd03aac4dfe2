"use client";
// Loading and error rendering for a react-query result, so every page fails the same way: the
// controller's message, and a retry button.
import type { ReactNode } from "react";
import { errorMessage } from "../trpc/errors";
import { AlertIcon, RefreshIcon } from "./icons";

export function LoadingRows({ rows = 4, columns = 5 }: { rows?: number; columns?: number }) {
  return (
    <div className="table-wrap" aria-busy="true" aria-label="Loading">
      <table className="table">
        <tbody>
          {Array.from({ length: rows }, (_, r) => (
            <tr key={r}>
              {Array.from({ length: columns }, (_, c) => (
                <td key={c}>
                  <span className="skeleton" style={{ width: `${40 + ((r * 7 + c * 13) % 50)}%` }} />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function QueryError({ error, onRetry, what }: { error: unknown; onRetry?: () => void; what: string }) {
  return (
    <div className="error-panel">
      <div className="alert alert--bad" role="alert">
        <AlertIcon size={16} />
        <div style={{ flex: 1 }}>
          <strong>Could not load {what}.</strong> {errorMessage(error)}
        </div>
        {onRetry ? (
          <button type="button" className="btn btn--sm" onClick={onRetry}>
            <RefreshIcon size={14} /> Retry
          </button>
        ) : null}
      </div>
    </div>
  );
}

export function Stat({ label, value, unit, tone }: { label: string; value: ReactNode; unit?: string; tone?: "bad" | "warn" }) {
  return (
    <div className="stat">
      <div className="stat__label">{label}</div>
      <div className={`stat__value${tone ? ` stat__value--${tone}` : ""}`}>
        {value}
        {unit ? <span className="stat__unit">{unit}</span> : null}
      </div>
    </div>
  );
}
