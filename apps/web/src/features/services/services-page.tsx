"use client";
// /services: every service with its versions, endpoint health, routes and current split.
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../../trpc/client";
import { VersionChip } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { ServicesIcon } from "../../ui/icons";
import { PageHeader } from "../../ui/page-header";
import { colorOfVersion } from "../../ui/palette";
import { LoadingRows, QueryError } from "../../ui/query-state";
import { SplitCell } from "../splits/split-bar";
import { EndpointHealthSummary } from "./endpoint-health";
import { catchAllBackends, endpointCounts, versionNames } from "./service-model";

export function ServicesPage() {
  const trpc = useTRPC();
  const services = useQuery(trpc.services.list.queryOptions(undefined, { refetchInterval: 5_000 }));
  const list = services.data ?? [];
  const sorted = [...list].sort((a, b) => a.namespace.localeCompare(b.namespace) || a.name.localeCompare(b.name));

  return (
    <div className="page">
      <PageHeader
        title="Services"
        description="Logical services of the mesh: their versions, the endpoints serving them, and how the catch-all route splits traffic across versions."
      />
      <section className="card">
        <div className="card__header">
          <div>
            <div className="card__title">All services</div>
            <div className="card__subtitle">{services.data ? `${list.length} ${list.length === 1 ? "service" : "services"}` : "\u00a0"}</div>
          </div>
        </div>
        <div className="card__body--flush">
          {services.isPending ? (
            <LoadingRows columns={8} />
          ) : services.isError ? (
            <QueryError what="services" error={services.error} onRetry={() => void services.refetch()} />
          ) : list.length === 0 ? (
            <EmptyState title="No services yet" icon={<ServicesIcon size={22} />}>
              A service appears here when a sidecar registers one at start-up, or when you create it through the API (
              <code>POST /api/v1/services</code>). Start the demo with <code>npm run up</code> to get a few.
            </EmptyState>
          ) : (
            <div className="table-wrap">
              <table className="table" aria-label="Services">
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Namespace</th>
                    <th>Protocol</th>
                    <th className="num">Port</th>
                    <th>Versions</th>
                    <th>Endpoints</th>
                    <th className="num">Routes</th>
                    <th>Split (catch-all)</th>
                  </tr>
                </thead>
                <tbody>
                  {sorted.map((s) => {
                    const versions = versionNames(s);
                    return (
                      <tr key={s.id}>
                        <td>
                          <Link href={`/services/${s.id}`} className="table__primary">
                            {s.name}
                          </Link>
                          {s.description ? <div className="table__sub">{s.description}</div> : null}
                        </td>
                        <td className="mono">{s.namespace}</td>
                        <td>
                          <span className="proto">{s.protocol}</span>
                        </td>
                        <td className="num mono">{s.port}</td>
                        <td>
                          {versions.length ? (
                            <div className="chips">
                              {versions.map((v) => (
                                <VersionChip key={v} name={v} color={colorOfVersion(versions, v)} />
                              ))}
                            </div>
                          ) : (
                            <span className="muted">none</span>
                          )}
                        </td>
                        <td>
                          <EndpointHealthSummary counts={endpointCounts(s.endpoints)} />
                        </td>
                        <td className="num">{s.routes.length}</td>
                        <td>
                          <SplitCell backends={catchAllBackends(s)} versions={versions} />
                        </td>
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
          )}
        </div>
      </section>
    </div>
  );
}
