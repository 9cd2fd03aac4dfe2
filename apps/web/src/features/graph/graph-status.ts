// What the graph page says above the canvas: headline figures and, when the graph is empty or
// quiet, why — so an empty canvas is never a mystery.
import type { ServiceGraph, TelemetrySource } from "@weft/contracts";
import { EXTERNAL_ID } from "./to-flow";

export type QuietReason =
  /** The telemetry store (e.g. Prometheus) did not answer: the numbers are missing, not zero. */
  | "unreachable"
  /** No service is defined at all. */
  | "no-services"
  /** Services exist, but no sidecar reported within the window. */
  | "no-sidecars"
  /** Sidecars report, but no request flowed within the window. */
  | "no-traffic";

export function quietReason(graph: ServiceGraph): QuietReason | null {
  if (graph.source?.state === "unreachable") return "unreachable";
  const services = graph.nodes.filter((n) => n.id !== EXTERNAL_ID);
  if (graph.reportingProxies === 0) return services.length === 0 ? "no-services" : "no-sidecars";
  if (graph.edges.length === 0) return "no-traffic";
  return null;
}

/** Where the numbers come from, for the page's description: operators compare them with their own dashboards. */
export function sourcePhrase(source: TelemetrySource | undefined): string {
  return source?.backend === "prometheus" ? "as Prometheus scraped them from the sidecars (WEFT_TELEMETRY_BACKEND=prometheus)" : "as the sidecars report them";
}

export interface GraphTotals {
  services: number;
  reportingProxies: number;
  /** Requests per second arriving from outside the mesh (what users send). */
  ingressPerSecond: number;
  /** Requests per second on every edge (meshed calls included). */
  totalPerSecond: number;
  /** Request-weighted error ratio over every edge. */
  errorRate: number;
  unhealthy: number;
}

export function graphTotals(graph: ServiceGraph): GraphTotals {
  let total = 0;
  let errors = 0;
  let ingress = 0;
  for (const e of graph.edges) {
    total += e.requestsPerSecond;
    errors += e.requestsPerSecond * e.errorRate;
    if (e.source === EXTERNAL_ID) ingress += e.requestsPerSecond;
  }
  const services = graph.nodes.filter((n) => n.id !== EXTERNAL_ID);
  return {
    services: services.length,
    reportingProxies: graph.reportingProxies,
    ingressPerSecond: ingress,
    totalPerSecond: total,
    errorRate: total > 0 ? errors / total : 0,
    unhealthy: services.filter((n) => n.health === "failing" || n.health === "degraded").length,
  };
}
