import type { Metadata } from "next";
import { ServiceGraphPage } from "../../features/graph/service-graph-page";
import { GRAPH_WINDOWS, windowFromParam } from "../../features/telemetry/time-window";

export const metadata: Metadata = { title: "Service graph" };

export default async function GraphRoute({ searchParams }: { searchParams: Promise<{ window?: string | string[] }> }) {
  const { window } = await searchParams;
  return <ServiceGraphPage initialWindow={windowFromParam(typeof window === "string" ? window : null, GRAPH_WINDOWS, "live")} />;
}
