"use client";
// /proxies: data-plane clients connected to this controller and, per xDS type, the config version
// they ACKed — or the reason they rejected it.
import { useQuery } from "@tanstack/react-query";
import type { ProxyStatus } from "@weft/contracts";
import { Fragment } from "react";
import { useTRPC } from "../../trpc/client";
import { Badge } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { formatAgo, formatDateTime } from "../../ui/format";
import { AlertIcon, CheckIcon, ClockIcon, ProxiesIcon } from "../../ui/icons";
import { PageHeader } from "../../ui/page-header";
import { LoadingRows, QueryError } from "../../ui/query-state";
import { useNow } from "../../ui/use-now";
import { overallState, shortVersion, typeState, typesOf } from "./proxy-model";

export function ProxiesPage() {
  const trpc = useTRPC();
  const proxies = useQuery(trpc.proxies.list.queryOptions(undefined, { refetchInterval: 2_000 }));
  const now = useNow(2_000);
  const list = proxies.data ?? [];
  const types = typesOf(list);
  const rejected = list.filter((p) => overallState(p).state === "rejected").length;

  return (
    <div className="page">
      <PageHeader
        title="Proxies"
        description="Sidecars and other xDS clients connected to this controller, and whether each runs the configuration it was last sent."
      />
      <section className="card">
        <div className="card__header">
          <div>
            <div className="card__title">Connected proxies</div>
            <div className="card__subtitle">
              {proxies.data ? `${list.length} connected${rejected ? ` · ${rejected} rejecting config` : ""}` : "\u00a0"}
            </div>
          </div>
        </div>
        {proxies.isPending ? (
          <LoadingRows columns={6} />
        ) : proxies.isError ? (
          <QueryError what="proxies" error={proxies.error} onRetry={() => void proxies.refetch()} />
        ) : list.length === 0 ? (
          <EmptyState title="No proxy is connected" icon={<ProxiesIcon size={22} />}>
            No sidecar or xDS client holds a stream to this controller right now. Sidecars connect when they start — is the demo running? Start it
            with <code>npm run up</code>. Each controller replica lists only its own connections.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Proxies">
              <thead>
                <tr>
                  <th>Node</th>
                  <th>Service</th>
                  <th>Kind</th>
                  <th>Connected</th>
                  {types.map((t) => (
                    <th key={t} title={`Version of ${t} the proxy ACKed`}>
                      {t}
                    </th>
                  ))}
                  <th>Status</th>
                </tr>
              </thead>
              <tbody>
                {list.map((p) => (
                  <ProxyRow key={p.nodeId} proxy={p} types={types} now={now} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}

function ProxyRow({ proxy, types, now }: { proxy: ProxyStatus; types: string[]; now: number }) {
  const overall = overallState(proxy);
  return (
    <Fragment>
      <tr>
        <td>
          <div className="table__primary mono">{proxy.nodeId}</div>
          <div className="table__sub nowrap">{proxy.peer}</div>
          {proxy.userAgent ? <div className="table__sub nowrap">{proxy.userAgent}</div> : null}
        </td>
        <td>
          <div>
            {proxy.service || <span className="muted">—</span>}
            {proxy.namespace ? <span className="muted">.{proxy.namespace}</span> : null}
          </div>
          {proxy.version ? <span className="chip">{proxy.version}</span> : null}
        </td>
        <td>
          <Badge tone={proxy.kind === "sidecar" ? "info" : "neutral"}>{proxy.kind}</Badge>
        </td>
        <td title={formatDateTime(proxy.connectedAt)} className="nowrap">
          {formatAgo(proxy.connectedAt, now)}
          <div className="table__sub">{proxy.lastReportAt ? `report ${formatAgo(proxy.lastReportAt, now)}` : "no telemetry"}</div>
        </td>
        {types.map((t) => (
          <td key={t}>
            <TypeCell proxy={proxy} type={t} />
          </td>
        ))}
        <td className="nowrap">
          {overall.state === "up-to-date" ? (
            <Badge tone="ok">
              <CheckIcon size={12} /> up to date
            </Badge>
          ) : overall.state === "syncing" ? (
            <Badge tone="warn">
              <ClockIcon size={12} /> syncing
            </Badge>
          ) : (
            <Badge tone="bad">
              <AlertIcon size={12} /> {overall.type} rejected
            </Badge>
          )}
        </td>
      </tr>
      {overall.state === "rejected" ? (
        <tr className="table__detail">
          <td colSpan={5 + types.length}>
            <div className="nack" role="alert">
              NACK of {overall.type} version {overall.version}: {overall.reason}
            </div>
          </td>
        </tr>
      ) : null}
    </Fragment>
  );
}

function TypeCell({ proxy, type }: { proxy: ProxyStatus; type: string }) {
  const s = typeState(proxy, type);
  switch (s.state) {
    case "acked":
      return (
        <span className="xds-cell text-ok" title={`ACKed version ${s.version}`}>
          <CheckIcon size={12} /> {shortVersion(s.version)}
        </span>
      );
    case "pending":
      return (
        <span className="xds-cell" style={{ color: "var(--warn)" }} title={`sent ${s.sent}, ACKed ${s.acked ?? "nothing yet"}`}>
          <ClockIcon size={12} /> {s.acked ? shortVersion(s.acked) : "—"} → {shortVersion(s.sent)}
        </span>
      );
    case "nacked":
      return (
        <span className="xds-cell text-bad" title={s.reason}>
          <AlertIcon size={12} /> NACK {shortVersion(s.version)}
        </span>
      );
    default:
      return <span className="muted">—</span>;
  }
}
