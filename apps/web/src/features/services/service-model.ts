// Read-only views of a service for the tables: endpoint health counts, route match summaries,
// its versions in display order, and the split of its catch-all route. Pure.
import type { Endpoint, Route, RouteMatch, Service } from "@weft/contracts";
import { findCatchAll } from "../splits/split-model";

export interface EndpointCounts {
  healthy: number;
  unhealthy: number;
  draining: number;
  total: number;
}

export function endpointCounts(endpoints: readonly Pick<Endpoint, "health">[]): EndpointCounts {
  const c = { healthy: 0, unhealthy: 0, draining: 0, total: endpoints.length };
  for (const e of endpoints) c[e.health]++;
  return c;
}

/** Version names sorted, the order the split editor and every colour use. */
export function versionNames(service: Pick<Service, "versions">): string[] {
  return service.versions.map((v) => v.name).sort();
}

/** The catch-all route's split, or undefined when the service has no catch-all route. */
export function catchAllBackends(service: Pick<Service, "routes">): Route["backends"] | undefined {
  return findCatchAll(service.routes)?.backends;
}

/** One line per match: `prefix /api · x-canary = "1" · !x-debug present`. */
const OPERATOR: Record<string, string> = { exact: "=", prefix: "starts with", suffix: "ends with", contains: "contains", regex: "~" };

/** One line a person can read: `prefix /api · GET, HEAD · x-user = "tester" · ?debug present`. */
export function matchSummary(match: RouteMatch): string {
  const parts = [`${match.path.type} ${match.path.value}`];
  if (match.methods?.length) parts.push(match.methods.join(", "));
  if (match.authority) parts.push(`host ${OPERATOR[match.authority.type] ?? match.authority.type} "${match.authority.value}"`);
  for (const h of match.headers) {
    const not = h.invert ? "!" : "";
    if (h.type === "present" || h.type === "absent") parts.push(`${not}${h.name} ${h.type}`);
    else parts.push(`${not}${h.name} ${OPERATOR[h.type] ?? h.type} "${h.value ?? ""}"`);
  }
  for (const q of match.queryParams ?? []) {
    parts.push(q.type === "present" ? `?${q.name} present` : `?${q.name} ${OPERATOR[q.type] ?? q.type} "${q.value ?? ""}"`);
  }
  return parts.join(" · ");
}

/** Routes in evaluation order (first match wins). */
export function orderedRoutes<R extends Pick<Route, "priority" | "name">>(routes: readonly R[]): R[] {
  return [...routes].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
}

/** Endpoints sorted for reading: by version, then address and port. */
export function orderedEndpoints<E extends Pick<Endpoint, "version" | "address" | "port">>(endpoints: readonly E[]): E[] {
  return [...endpoints].sort((a, b) => a.version.localeCompare(b.version) || a.address.localeCompare(b.address) || a.port - b.port);
}
