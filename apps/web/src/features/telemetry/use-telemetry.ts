"use client";
// The console's telemetry queries in one place (the controller's graph, telemetry and traces
// routers), with the refresh cadence each view needs: windows up to 5 minutes every 5 s, longer
// ones every 30 s; traces and failures every 5 s.
import { useQuery } from "@tanstack/react-query";
import type { TimeWindow } from "@weft/contracts";
import { useTRPC } from "../../trpc/client";

/** How often a window's numbers are worth re-reading, ms. */
export function refreshMsFor(window: TimeWindow): number {
  return window === "live" ? 1_000 : window === "5m" ? 5_000 : 30_000;
}

export function useServiceMetrics(service: string, namespace: string, window: TimeWindow) {
  const trpc = useTRPC();
  return useQuery(trpc.telemetry.service.queryOptions({ service, namespace, window }, { refetchInterval: refreshMsFor(window), placeholderData: (prev) => prev }));
}

export function useRecentFailures(service: string, namespace: string, limit = 50) {
  const trpc = useTRPC();
  return useQuery(trpc.telemetry.failures.queryOptions({ service, namespace, limit }, { refetchInterval: 5_000 }));
}

export function useTraceSearch(input: { service?: string; status: "any" | "ok" | "error"; minDurationMs?: number; window: TimeWindow; limit: number }) {
  const trpc = useTRPC();
  return useQuery(trpc.traces.search.queryOptions(input, { refetchInterval: 5_000, placeholderData: (prev) => prev }));
}

export function useTrace(traceId: string) {
  const trpc = useTRPC();
  // Spans of a fresh trace may still be arriving (each hop exports on its own): re-read for a while.
  return useQuery(trpc.traces.byId.queryOptions({ traceId }, { refetchInterval: (q) => (q.state.dataUpdateCount < 6 ? 2_000 : false) }));
}

export function useGraphWindow(window: TimeWindow, enabled: boolean) {
  const trpc = useTRPC();
  return useQuery(trpc.graph.get.queryOptions({ window }, { enabled, refetchInterval: refreshMsFor(window), placeholderData: (prev) => prev }));
}
