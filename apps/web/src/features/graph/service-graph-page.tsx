"use client";
// The home screen: the service graph — live (pushed every second over SSE) or over a past window
// (5 min … 7 days) — with headline figures, and an explanation whenever the canvas is empty or quiet.
import { useQuery } from "@tanstack/react-query";
import type { ServiceGraph, TimeWindow } from "@weft/contracts";
import { useRouter } from "next/navigation";
import { useMemo } from "react";
import { useTRPC } from "../../trpc/client";
import { errorMessage } from "../../trpc/errors";
import { Badge } from "../../ui/badge";
import { EmptyState } from "../../ui/empty-state";
import { formatPercent, formatRate } from "../../ui/format";
import { GraphIcon } from "../../ui/icons";
import { PageHeader } from "../../ui/page-header";
import { QueryError, Stat } from "../../ui/query-state";
import { useNow } from "../../ui/use-now";
import { whyEmpty } from "../telemetry/empty-reason";
import { TelemetryBanner } from "../telemetry/telemetry-empty";
import { GRAPH_WINDOWS, windowOption } from "../telemetry/time-window";
import { useUrlWindow } from "../telemetry/use-url-window";
import { WindowSelect } from "../telemetry/window-select";
import { GraphCanvas } from "./graph-canvas";
import { feedState } from "./graph-feed";
import { graphTotals, quietReason, sourcePhrase } from "./graph-status";
import { useServiceGraph } from "./use-service-graph";

const FEED_LABEL = { connecting: "Connecting…", live: "Live · every second", stale: "Not updating", history: "" } as const;

export function ServiceGraphPage({ initialWindow }: { initialWindow: TimeWindow }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [timeWindow, choose] = useUrlWindow(initialWindow, "live");
  const feed = useServiceGraph(timeWindow);
  // To open a service from its node: graph ids are "name.namespace", pages use the service id.
  const services = useQuery(trpc.services.list.queryOptions(undefined, { refetchInterval: 15_000 }));
  const idByNode = useMemo(() => new Map((services.data ?? []).map((s) => [`${s.name}.${s.namespace}`, s.id])), [services.data]);

  const now = useNow(1_000);
  const data = feed.graph;
  const totals = data ? graphTotals(data) : null;
  const state = feedState({ live: timeWindow === "live", lastUpdateMs: feed.updatedAt, now, failed: feed.failed });
  const phrase = windowOption(timeWindow).phrase;

  return (
    <div className="page">
      <PageHeader
        title="Service graph"
        description={`Who calls whom: request rates, error ratios and p99 latency over ${phrase}, ${sourcePhrase(data?.source)}.`}
        actions={
          <>
            {state !== "history" ? (
              <span className={`live${state === "live" ? "" : " live--stale"}`} aria-live="off" data-testid="graph-feed" data-state={state} data-transport={feed.transport}>
                <span className="live__dot" aria-hidden="true" />
                {FEED_LABEL[state]}
                {feed.transport === "poll" ? " (polling)" : ""}
              </span>
            ) : null}
            <WindowSelect value={timeWindow} options={GRAPH_WINDOWS} onChange={choose} />
          </>
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
          {feed.failed && data ? (
            <Badge tone="warn" title={feed.error ? errorMessage(feed.error) : undefined}>
              showing the last graph received
            </Badge>
          ) : null}
        </div>

        {feed.isPending ? (
          <div className="graph-canvas" aria-busy="true" />
        ) : !data ? (
          <QueryError what="the service graph" error={feed.error} onRetry={feed.retry} />
        ) : (
          <>
            <GraphCanvas
              graph={data}
              onOpenNode={(nodeId) => {
                const id = idByNode.get(nodeId);
                if (id) router.push(`/services/${id}`);
              }}
            />
            <QuietNotice graph={data} window={timeWindow} />
          </>
        )}
      </section>
    </div>
  );
}

function QuietNotice({ graph, window }: { graph: ServiceGraph; window: TimeWindow }) {
  const quiet = quietReason(graph);
  if (!quiet) return null;
  if (quiet === "no-services") {
    return (
      <div className="graph-overlay">
        <div className="graph-overlay__panel">
          <EmptyState title="No services yet" icon={<GraphIcon size={22} />}>
            Weft has no services and no sidecar has reported in {windowOption(window).phrase}. Start the demo with <code>npm run up</code>, or create a
            service with <code>POST /api/v1/services</code>.
          </EmptyState>
        </div>
      </div>
    );
  }
  const reason = whyEmpty({ source: graph.source, hasData: false, window, reportingProxies: graph.reportingProxies });
  if (!reason) return null;
  return (
    <div className="graph-banner" data-testid="graph-quiet" data-reason={reason.kind}>
      <TelemetryBanner reason={reason} />
    </div>
  );
}
