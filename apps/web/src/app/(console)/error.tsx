"use client";
// A page that crashed while rendering: say so inside the console frame, offer a retry.
import { PageHeader } from "../../ui/page-header";
import { AlertIcon, RefreshIcon } from "../../ui/icons";

export default function ConsoleError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <div className="page">
      <PageHeader title="Something went wrong" />
      <section className="card">
        <div className="error-panel">
          <div className="alert alert--bad" role="alert">
            <AlertIcon size={16} />
            <div style={{ flex: 1 }}>
              <strong>This page failed to render.</strong> {error.message}
              {error.digest ? <div className="table__sub mono">digest {error.digest} (see the console server log)</div> : null}
            </div>
            <button type="button" className="btn btn--sm" onClick={reset}>
              <RefreshIcon size={14} /> Try again
            </button>
          </div>
        </div>
      </section>
    </div>
  );
}
