"use client";
// The graph the page draws. Live: the controller pushes it every second over the tRPC SSE
// subscription (no polling); while the stream is down the page says so and polls `graph.live`
// instead, so the operator still sees numbers. Other windows: a query re-read on the
// window's cadence.
import { useQuery } from "@tanstack/react-query";
import { useSubscription } from "@trpc/tanstack-react-query";
import { WINDOW_SECONDS, type ServiceGraph, type TimeWindow } from "@weft/contracts";
import { useState } from "react";
import { useTRPC } from "../../trpc/client";
import { useGraphWindow } from "../telemetry/use-telemetry";
import { graphOfEvent } from "./graph-feed";

export type GraphTransport = "sse" | "poll" | "query";

export interface GraphFeed {
  graph: ServiceGraph | undefined;
  /** When the shown graph arrived (ms), null before the first one. */
  updatedAt: number | null;
  transport: GraphTransport;
  error: unknown;
  /** The stream (live) or the query (history) failed and nothing newer came since. */
  failed: boolean;
  isPending: boolean;
  retry: () => void;
}

/** A pushed graph with the time it arrived (the browser's clock: staleness is judged against it). */
function received(graph: ServiceGraph): { graph: ServiceGraph; at: number } {
  return { graph, at: Date.now() };
}

export function useServiceGraph(timeWindow: TimeWindow): GraphFeed {
  const trpc = useTRPC();
  const live = timeWindow === "live";
  const [pushed, setPushed] = useState<{ graph: ServiceGraph; at: number } | null>(null);

  const sub = useSubscription(
    trpc.graph.watch.subscriptionOptions({ window: "live" }, {
      enabled: live,
      onData: (event: unknown) => {
        const graph = graphOfEvent(event);
        if (graph) setPushed(received(graph));
      },
    }),
  );
  // "connecting" with an error: the stream dropped (or was refused, e.g. 401) and EventSource is
  // retrying; poll meanwhile, which also surfaces an expired session as a redirect to sign in.
  const streamFailed = live && (sub.status === "error" || (sub.status === "connecting" && sub.error !== null));
  // Only while the stream is down: one request a second to the plain query.
  const polled = useQuery(trpc.graph.live.queryOptions({ windowSeconds: WINDOW_SECONDS.live }, { enabled: streamFailed, refetchInterval: 1_000, staleTime: 0 }));
  const history = useGraphWindow(timeWindow, !live);

  if (!live) {
    return {
      graph: history.data,
      updatedAt: history.dataUpdatedAt || null,
      transport: "query",
      error: history.error,
      failed: history.isError,
      isPending: history.isPending,
      retry: () => void history.refetch(),
    };
  }
  const usePoll = streamFailed && polled.dataUpdatedAt > (pushed?.at ?? 0);
  return {
    graph: usePoll ? polled.data : pushed?.graph,
    updatedAt: usePoll ? polled.dataUpdatedAt : (pushed?.at ?? null),
    transport: usePoll ? "poll" : "sse",
    error: streamFailed ? (polled.error ?? sub.error) : null,
    failed: streamFailed && (polled.isError || !polled.data),
    isPending: !pushed && !polled.data && !(streamFailed && polled.isError),
    retry: () => sub.reset(),
  };
}
