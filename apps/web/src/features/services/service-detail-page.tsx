"use client";
// /services/[id]: one service — its traffic per version (charts, failures, traces), versions,
// endpoints, ordered routes, and the split editor for its catch-all route.
import { useQuery } from "@tanstack/react-query";
import type { Service, TimeWindow } from "@weft/contracts";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../../trpc/client";
import { weftCodeOf } from "../../trpc/errors";
import { Badge, VersionChip } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { formatAgo, formatDateTime } from "../../ui/format";
import { CheckIcon, ServicesIcon, SplitIcon } from "../../ui/icons";
import { PageHeader } from "../../ui/page-header";
import { colorOfVersion } from "../../ui/palette";
import { LoadingRows, QueryError, Stat } from "../../ui/query-state";
import { useNow } from "../../ui/use-now";
import { FailuresCard, TracesCard, TrafficCard } from "../metrics/service-telemetry";
import { useUrlWindow } from "../telemetry/use-url-window";
import { SplitBar } from "../splits/split-bar";
import { SplitEditor } from "../splits/split-editor";
import { describeBackends, findCatchAll, isCatchAll } from "../splits/split-model";
import { HealthBadge } from "./endpoint-health";
import { endpointCounts, matchSummary, orderedEndpoints, orderedRoutes, versionNames } from "./service-model";

export function ServiceDetailPage({ id, initialWindow = "5m" }: { id: string; initialWindow?: TimeWindow }) {
  const trpc = useTRPC();
  const service = useQuery(trpc.services.byId.queryOptions({ id }, { refetchInterval: 5_000 }));

  if (service.isPending) {
    return (
      <div className="page">
        <PageHeader title={"\u00a0"} crumbs={[{ href: "/services", label: "Services" }]} />
        <section className="card">
          <LoadingRows rows={6} />
        </section>
      </div>
    );
  }
  if (service.isError) {
    const notFound = weftCodeOf(service.error) === "WEFT_NOT_FOUND";
    return (
      <div className="page">
        <PageHeader title={notFound ? "Service not found" : "Service"} crumbs={[{ href: "/services", label: "Services" }]} />
        <section className="card">
          {notFound ? (
            <EmptyState title="This service does not exist" icon={<ServicesIcon size={22} />} action={<Link href="/services" className="btn">Back to services</Link>}>
              It may have been deleted, or the link is wrong. The services list shows every service the controller knows.
            </EmptyState>
          ) : (
            <QueryError what="the service" error={service.error} onRetry={() => void service.refetch()} />
          )}
        </section>
      </div>
    );
  }
  return <ServiceDetail service={service.data} initialWindow={initialWindow} />;
}

function ServiceDetail({ service, initialWindow }: { service: Service; initialWindow: TimeWindow }) {
  const now = useNow(5_000);
  const [applied, setApplied] = useState<number | null>(null);
  const [timeWindow, setTimeWindow] = useUrlWindow(initialWindow, "5m");
  const versions = versionNames(service);
  const counts = endpointCounts(service.endpoints);
  const catchAll = findCatchAll(service.routes);
  const live = catchAll?.backends;
  const endpointsByVersion = Object.fromEntries(service.versions.map((v) => [v.name, service.endpoints.filter((e) => e.version === v.name).length]));
  // Remount the editor when the live split or the versions change, so its draft starts from them.
  const editorKey = `${versions.join(",")}|${catchAll?.id ?? "none"}|${live ? describeBackends(live) : ""}`;

  return (
    <div className="page">
      <PageHeader
        crumbs={[{ href: "/services", label: "Services" }]}
        title={
          <span className="row" style={{ gap: 10 }}>
            {service.name}
            <span className="chip">{service.namespace}</span>
            <span className="proto">{service.protocol}</span>
          </span>
        }
        description={
          service.description || (
            <>
              Reached as <code>{`${service.name}.${service.namespace}:${service.port}`}</code> through the sidecars.
            </>
          )
        }
      />

      <div className="stats">
        <Stat label="Versions" value={service.versions.length} />
        <Stat label="Healthy endpoints" value={`${counts.healthy}/${counts.total}`} tone={counts.total > 0 && counts.healthy === 0 ? "bad" : counts.healthy < counts.total ? "warn" : undefined} />
        <Stat label="Routes" value={service.routes.length} />
        <Stat label="Port" value={service.port} />
        <Stat label="Last changed" value={<span title={formatDateTime(service.updatedAt)}>{formatAgo(service.updatedAt, now)}</span>} />
      </div>

      <TrafficCard service={service} window={timeWindow} onWindow={setTimeWindow} />

      <div className="grid-2">
        <section className="card" aria-labelledby="split-title">
          <div className="card__header">
            <div>
              <div className="card__title row" id="split-title">
                <SplitIcon size={15} /> Traffic split
              </div>
              <div className="card__subtitle">
                {catchAll ? (
                  <>
                    Route <code>{catchAll.name}</code> (catch-all) — every request that no earlier route matches.
                  </>
                ) : (
                  <>No catch-all route yet: applying creates route <code>default</code> matching every request.</>
                )}
              </div>
            </div>
            {applied !== null ? (
              <span className="badge badge--ok" role="status">
                <CheckIcon size={13} /> Applied — revision {applied}
              </span>
            ) : null}
          </div>
          <div className="card__body">
            <div style={{ marginBottom: 16 }}>
              <div className="row" style={{ justifyContent: "space-between", marginBottom: 6, fontSize: 12.5 }}>
                <span className="muted">Live now</span>
                <span className="muted">{live ? describeBackends(live) : "no split — every version by endpoint weight"}</span>
              </div>
              <SplitBar backends={live ?? []} versions={versions} />
            </div>
            <SplitEditor
              key={editorKey}
              serviceId={service.id}
              versions={versions}
              endpointsByVersion={endpointsByVersion}
              live={live}
              onApplied={setApplied}
            />
          </div>
        </section>

        <section className="card" aria-labelledby="versions-title">
          <div className="card__header">
            <div>
              <div className="card__title" id="versions-title">
                Versions
              </div>
              <div className="card__subtitle">Subsets of the service&apos;s instances that a split can target.</div>
            </div>
          </div>
          {service.versions.length === 0 ? (
            <EmptyState title="No versions">
              Versions are created when a sidecar registers with a version label, or with <code>POST /api/v1/services/{"{id}"}/versions</code>.
            </EmptyState>
          ) : (
            <ul className="versions-list" aria-label="Versions">
              {[...service.versions]
                .sort((a, b) => a.name.localeCompare(b.name))
                .map((v) => {
                  const labels = Object.entries(v.labels);
                  const weight = live?.find((b) => b.version === v.name)?.weight;
                  return (
                    <li key={v.id}>
                      <div style={{ minWidth: 0 }}>
                        <VersionChip name={v.name} color={colorOfVersion(versions, v.name)} />
                        {labels.length ? (
                          <div className="labels">
                            {labels.map(([k, val]) => (
                              <span key={k} className="label">
                                {k}={val}
                              </span>
                            ))}
                          </div>
                        ) : (
                          <div className="table__sub">no labels</div>
                        )}
                      </div>
                      <div style={{ textAlign: "right" }}>
                        <div className="num" style={{ fontWeight: 600 }}>
                          {v.endpointCount} {v.endpointCount === 1 ? "endpoint" : "endpoints"}
                        </div>
                        <div className="table__sub">{live && live.length ? `${weight ?? 0}% of traffic` : "in the default pool"}</div>
                      </div>
                    </li>
                  );
                })}
            </ul>
          )}
        </section>
      </div>

      <FailuresCard service={service} window={timeWindow} />
      <TracesCard service={service} window={timeWindow} />

      <section className="card" aria-labelledby="endpoints-title">
        <div className="card__header">
          <div>
            <div className="card__title" id="endpoints-title">
              Endpoints
            </div>
            <div className="card__subtitle">Instances serving this service. Sidecars register their own; others are added through the API.</div>
          </div>
        </div>
        {service.endpoints.length === 0 ? (
          <EmptyState title="No endpoints">
            Nothing serves this service yet, so requests to it fail with <code>WEFT_NO_HEALTHY_ENDPOINT</code>. Start an instance with its sidecar,
            or add one with <code>POST /api/v1/services/{"{id}"}/endpoints</code>.
          </EmptyState>
        ) : (
          <div className="table-wrap">
            <table className="table" aria-label="Endpoints">
              <thead>
                <tr>
                  <th>Address</th>
                  <th>Version</th>
                  <th>Health</th>
                  <th>Source</th>
                  <th className="num">Weight</th>
                  <th>Last seen</th>
                </tr>
              </thead>
              <tbody>
                {orderedEndpoints(service.endpoints).map((e) => (
                  <tr key={e.id}>
                    <td className="mono">
                      {e.address}:{e.port}
                    </td>
                    <td>
                      <VersionChip name={e.version} color={colorOfVersion(versions, e.version)} />
                    </td>
                    <td>
                      <HealthBadge health={e.health} />
                    </td>
                    <td>
                      {e.source === "sidecar" ? (
                        <>
                          <Badge tone="info">sidecar</Badge>
                          {e.proxyId ? <div className="table__sub mono">{e.proxyId}</div> : null}
                        </>
                      ) : (
                        <Badge tone="neutral">api</Badge>
                      )}
                    </td>
                    <td className="num">{e.weight}</td>
                    <td title={e.lastSeenAt ? formatDateTime(e.lastSeenAt) : undefined}>
                      {e.source === "api" && !e.lastSeenAt ? <span className="muted">static</span> : formatAgo(e.lastSeenAt, now)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section className="card" aria-labelledby="routes-title">
        <div className="card__header">
          <div>
            <div className="card__title" id="routes-title">
              Routes
            </div>
            <div className="card__subtitle">Evaluated top to bottom; the first match decides the split.</div>
          </div>
        </div>
        {service.routes.length === 0 ? (
          <EmptyState title="No routes">
            Without routes every request goes to any healthy endpoint, whatever its version. Applying a split above creates the catch-all route.
          </EmptyState>
        ) : (
          <ol className="route-list" aria-label="Routes">
            {orderedRoutes(service.routes).map((r, i) => (
              <li key={r.id} className="route-item">
                <span className="route-item__pos">{i + 1}</span>
                <div style={{ minWidth: 0 }}>
                  <div className="route-item__name">
                    {r.name}
                    {isCatchAll(r) ? <Badge tone="neutral">catch-all</Badge> : null}
                  </div>
                  <div className="route-item__match">{matchSummary(r.match)}</div>
                </div>
                <div className="split-cell">
                  <SplitBar backends={r.backends} versions={versions} />
                  <span className="split-cell__text">{describeBackends(r.backends)}</span>
                </div>
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
