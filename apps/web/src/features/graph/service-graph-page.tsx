"use client";
// The home screen: the live service graph (graph.live over 10 s, refetched every second), headline
// figures, and an explanation whenever the canvas is empty or quiet.
import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { useTRPC } from "../../trpc/client";
import { errorMessage } from "../../trpc/errors";
import { Badge } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { formatPercent, formatRate } from "../../ui/format";
import { ActivityIcon, GraphIcon, PlugIcon } from "../../ui/icons";
import { PageHeader } from "../../ui/page-header";
import { QueryError, Stat } from "../../ui/query-state";
import { useNow } from "../../ui/use-now";
import { GraphCanvas } from "./graph-canvas";
import { graphTotals, quietReason, type QuietReason } from "./graph-status";

export const GRAPH_WINDOW_SECONDS = 10;

export function ServiceGraphPage() {
  const trpc = useTRPC();
  const router = useRouter();
  const graph = useQuery(
    trpc.graph.live.queryOptions({ windowSeconds: GRAPH_WINDOW_SECONDS }, { refetchInterval: 1_000, refetchIntervalInBackground: false, staleTime: 0 }),
  );
  // To open a service from its node: graph ids are "name.namespace", pages use the service id.
  const services = useQuery(trpc.services.list.queryOptions(undefined, { refetchInterval: 15_000 }));
  const idByNode = useMemo(() => new Map((services.data ?? []).map((s) => [`${s.name}.${s.namespace}`, s.id])), [services.data]);

  const now = useNow(1_000);
  const data = graph.data;
  const totals = data ? graphTotals(data) : null;
  const reason = data ? quietReason(data) : null;
  const stale = graph.isError || (graph.dataUpdatedAt > 0 && now - graph.dataUpdatedAt > 5_000);

  return (
    <div className="page">
      <PageHeader
        title="Service graph"
        description={`Who calls whom, live: request rates, error ratios and p99 latency over the last ${GRAPH_WINDOW_SECONDS} s, as the sidecars report them.`}
        actions={
          <span className={`live${stale ? " live--stale" : ""}`} aria-live="off">
            <span className="live__dot" aria-hidden="true" />
            {stale ? "Not updating" : "Live · every second"}
          </span>
        }
      />

      <div className="stats" aria-label="Mesh totals">
        <Stat label="Services" value={totals ? totals.services : "—"} />
        <Stat label="Sidecars reporting" value={totals ? totals.reportingProxies : "—"} tone={totals && totals.services > 0 && totals.reportingProxies === 0 ? "warn" : undefined} />
        <Stat label="Ingress" value={totals ? formatRate(totals.ingressPerSecond) : "—"} unit="req/s" />
        <Stat label="All calls" value={totals ? formatRate(totals.totalPerSecond) : "—"} unit="req/s" />
        <Stat label="Error ratio" value={totals ? formatPercent(totals.errorRate) : "—"} tone={totals && totals.errorRate >= 0.05 ? "bad" : totals && totals.errorRate >= 0.01 ? "warn" : undefined} />
        <Stat label="Degraded or failing" value={totals ? totals.unhealthy : "—"} tone={totals && totals.unhealthy > 0 ? "bad" : undefined} />
      </div>

      <section className="card graph-card" aria-label="Service graph">
        <div className="graph-toolbar">
          <div className="legend" aria-label="Legend">
            <span className="legend__item"><span className="dot" style={{ color: "var(--ok)" }} /> healthy</span>
            <span className="legend__item"><span className="dot" style={{ color: "#d97706" }} /> degraded (≥ 1% errors)</span>
            <span className="legend__item"><span className="dot" style={{ color: "var(--bad)" }} /> failing (≥ 5%)</span>
            <span className="legend__item"><span className="dot" style={{ color: "#94a3b8" }} /> idle</span>
            <span className="legend__item"><span className="dot" style={{ color: "#cbd5e1" }} /> no data</span>
            <span className="legend__item">Edge thickness = req/s · label = req/s · errors · p99</span>
          </div>
          {graph.isError && data ? (
            <Badge tone="warn" title={errorMessage(graph.error)}>
              showing the last graph received
            </Badge>
          ) : null}
        </div>

        {graph.isPending ? (
          <div className="graph-canvas" aria-busy="true" />
        ) : !data ? (
          <QueryError what="the service graph" error={graph.error} onRetry={() => void graph.refetch()} />
        ) : (
          <>
            <GraphCanvas
              graph={data}
              onOpenNode={(nodeId) => {
                const id = idByNode.get(nodeId);
                if (id) router.push(`/services/${id}`);
              }}
            />
            {reason ? <QuietNotice reason={reason} /> : null}
          </>
        )}
      </section>
    </div>
  );
}

function QuietNotice({ reason }: { reason: QuietReason }) {
  if (reason === "no-services") {
    return (
      <div className="graph-overlay">
        <div className="graph-overlay__panel">
          <EmptyState title="No services yet" icon={<GraphIcon size={22} />}>
            Weft has no services and no sidecar has reported in the last {GRAPH_WINDOW_SECONDS} s. Start the demo with <code>npm run up</code>, or
            create a service with <code>POST /api/v1/services</code>.
          </EmptyState>
        </div>
      </div>
    );
  }
  return (
    <div className="graph-banner">
      {reason === "no-sidecars" ? (
        <div className="alert alert--warn" role="status" data-testid="graph-quiet">
          <PlugIcon size={16} />
          <span>
            <strong>No sidecar has reported in the last {GRAPH_WINDOW_SECONDS} s — is the demo running?</strong> Start it with <code>npm run up</code>.
            The services below are configured, but nothing measures their traffic.
          </span>
        </div>
      ) : (
        <div className="alert alert--info" role="status" data-testid="graph-quiet">
          <ActivityIcon size={16} />
          <span>
            <strong>No traffic in the last {GRAPH_WINDOW_SECONDS} s.</strong> Sidecars are reporting, but no request went through them. Send a request
            to a service, or start the demo&apos;s load generator.
          </span>
        </div>
      )}
    </div>
  );
}
