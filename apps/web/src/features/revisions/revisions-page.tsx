"use client";
// /revisions: every committed configuration change, newest first, each expandable to its
// before/after JSON with the changed lines marked.
import { useQuery } from "@tanstack/react-query";
import { Fragment, useState } from "react";
import { useTRPC, type RouterOutputs } from "../../trpc/client";
import { Badge, type Tone } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { formatAgo, formatDateTime, formatTime } from "../../ui/format";
import { ChevronDownIcon, ChevronRightIcon, RevisionsIcon } from "../../ui/icons";
import { PageHeader } from "../../ui/page-header";
import { LoadingRows, QueryError } from "../../ui/query-state";
import { useNow } from "../../ui/use-now";
import { jsonDiff, type DiffLine } from "./json-diff";

type Revision = RouterOutputs["revisions"]["list"][number];

const PAGE = 50;
const MAX = 500;

function actionTone(action: string): Tone {
  if (action.endsWith(".create")) return "ok";
  if (action.endsWith(".remove")) return "bad";
  if (action.startsWith("split.")) return "info";
  return "neutral";
}

export function RevisionsPage() {
  const trpc = useTRPC();
  const [limit, setLimit] = useState(PAGE);
  const revisions = useQuery(trpc.revisions.list.queryOptions({ limit }, { refetchInterval: 10_000, placeholderData: (prev) => prev }));
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const now = useNow(10_000);
  const list = revisions.data ?? [];

  const toggle = (id: number) =>
    setOpen((s) => {
      const next = new Set(s);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <div className="page">
      <PageHeader
        title="Revisions"
        description="Every configuration change committed to the controller — who made it, when, and exactly what changed. Sidecars receive each revision within a second."
      />
      <section className="card">
        <div className="card__header">
          <div>
            <div className="card__title">History</div>
            <div className="card__subtitle">{revisions.data ? `${list.length} most recent, newest first` : "\u00a0"}</div>
          </div>
        </div>
        {revisions.isPending ? (
          <LoadingRows columns={5} />
        ) : revisions.isError ? (
          <QueryError what="revisions" error={revisions.error} onRetry={() => void revisions.refetch()} />
        ) : list.length === 0 ? (
          <EmptyState title="No changes yet" icon={<RevisionsIcon size={22} />}>
            The history starts with the first change: creating a service, registering a sidecar, or setting a split. Start the demo with{" "}
            <code>npm run up</code> and its services will appear here.
          </EmptyState>
        ) : (
          <>
            <div className="table-wrap">
              <table className="table" aria-label="Revisions">
                <thead>
                  <tr>
                    <th style={{ width: 36 }}>
                      <span className="visually-hidden">Details</span>
                    </th>
                    <th className="num">#</th>
                    <th>Time</th>
                    <th>Actor</th>
                    <th>Change</th>
                    <th>Summary</th>
                  </tr>
                </thead>
                <tbody>
                  {list.map((r) => (
                    <RevisionRow key={r.id} revision={r} expanded={open.has(r.id)} onToggle={() => toggle(r.id)} now={now} />
                  ))}
                </tbody>
              </table>
            </div>
            {list.length >= limit && limit < MAX ? (
              <div className="card__body" style={{ textAlign: "center", borderTop: "1px solid var(--border)" }}>
                <button type="button" className="btn btn--sm" onClick={() => setLimit((l) => Math.min(MAX, l + PAGE))} disabled={revisions.isFetching}>
                  {revisions.isFetching ? "Loading…" : "Show older revisions"}
                </button>
              </div>
            ) : null}
          </>
        )}
      </section>
    </div>
  );
}

function RevisionRow({ revision: r, expanded, onToggle, now }: { revision: Revision; expanded: boolean; onToggle(): void; now: number }) {
  const detailId = `revision-${r.id}-detail`;
  return (
    <Fragment>
      <tr className={expanded ? "table__row--expanded" : undefined}>
        <td>
          <button
            type="button"
            className="btn btn--ghost btn--icon btn--sm"
            onClick={onToggle}
            aria-expanded={expanded}
            aria-controls={detailId}
            aria-label={`${expanded ? "Hide" : "Show"} change of revision ${r.id}`}
          >
            {expanded ? <ChevronDownIcon size={15} /> : <ChevronRightIcon size={15} />}
          </button>
        </td>
        <td className="num mono">{r.id}</td>
        <td title={formatDateTime(r.createdAt)} className="nowrap">
          {formatTime(r.createdAt, now)}
          <div className="table__sub">{formatAgo(r.createdAt, now)}</div>
        </td>
        <td className="nowrap">{r.actor}</td>
        <td>
          <Badge tone={actionTone(r.action)}>{r.action}</Badge>
          <div className="table__sub mono">
            {r.resourceKind} {r.resourceName}
          </div>
        </td>
        <td>{r.summary}</td>
      </tr>
      {expanded ? (
        <tr className="table__detail" id={detailId}>
          <td colSpan={6}>
            <RevisionDiff before={r.before} after={r.after} />
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function RevisionDiff({ before, after }: { before: unknown; after: unknown }) {
  const d = jsonDiff(before, after);
  return (
    <div className="diff">
      <DiffPane title="Before" lines={d.before} kind="removed" empty="did not exist" />
      <DiffPane title="After" lines={d.after} kind="added" empty="removed" />
    </div>
  );
}

function DiffPane({ title, lines, kind, empty }: { title: string; lines: DiffLine[] | null; kind: "removed" | "added"; empty: string }) {
  return (
    <div className="diff__pane">
      <div className="diff__title">{title}</div>
      {lines ? (
        <pre className="diff__code" aria-label={`${title} JSON`}>
          {lines.map((l, i) => (
            <span key={i} className={`diff__line${l.changed ? ` diff__line--${kind}` : ""}`}>
              {l.text}
              {"\n"}
            </span>
          ))}
        </pre>
      ) : (
        <div className="diff__none">{empty}</div>
      )}
    </div>
  );
}
