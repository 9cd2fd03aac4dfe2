// Prisma rows -> domain state and API shapes. Prisma types stop here.
import type { EndpointHealth, Protocol, Revision, RouteMatch, RoutePolicy, ServicePolicy } from "@weft/contracts";
import { RouteMatchSchema, RoutePolicySchema, ServicePolicySchema } from "@weft/contracts";
import type { Prisma } from "@weft/db";
import type { EndpointState, RouteState, ServiceState, VersionState } from "../../domain/mesh-state";
import { sortRoutes } from "../../domain/mesh-state";

export const serviceInclude = {
  versions: true,
  endpoints: true,
  routes: { include: { backends: { include: { version: true } } } },
} satisfies Prisma.ServiceInclude;

type ServiceRow = Prisma.ServiceGetPayload<{ include: typeof serviceInclude }>;
type EndpointRow = ServiceRow["endpoints"][number];

export const toProtocol = (p: string): Protocol => p.toLowerCase() as Protocol;
export const fromProtocol = (p: Protocol) => p.toUpperCase() as "HTTP" | "GRPC" | "TCP";
export const toHealth = (h: string): EndpointHealth => h.toLowerCase() as EndpointHealth;
export const fromHealth = (h: EndpointHealth) => h.toUpperCase() as "HEALTHY" | "UNHEALTHY" | "DRAINING";

function labelsOf(json: unknown): Record<string, string> {
  if (!json || typeof json !== "object" || Array.isArray(json)) return {};
  return Object.fromEntries(Object.entries(json as Record<string, unknown>).map(([k, v]) => [k, String(v)]));
}

function matchOf(json: unknown): RouteMatch {
  const parsed = RouteMatchSchema.safeParse(json);
  // Stored matches were validated on the way in; a row edited by hand falls back to "match nothing special".
  return parsed.success ? parsed.data : { path: { type: "prefix", value: "/" }, headers: [] };
}

// Policies were validated on the way in; a row edited by hand that no longer validates is treated
// as "no policy" rather than breaking every read of the mesh.
function routePolicyOf(json: unknown): RoutePolicy {
  const parsed = RoutePolicySchema.safeParse(json ?? {});
  return parsed.success ? parsed.data : {};
}

function servicePolicyOf(json: unknown): ServicePolicy {
  const parsed = ServicePolicySchema.safeParse(json ?? {});
  return parsed.success ? parsed.data : {};
}

export function toEndpointState(e: EndpointRow): EndpointState {
  return {
    id: e.id,
    versionId: e.versionId,
    address: e.address,
    port: e.port,
    weight: e.weight,
    health: toHealth(e.health),
    source: e.source === "SIDECAR" ? "sidecar" : "api",
    proxyId: e.proxyId,
    lastSeenAt: e.lastSeenAt,
  };
}

export function toServiceState(row: ServiceRow): ServiceState {
  const versions: VersionState[] = row.versions
    .map((v) => ({ id: v.id, name: v.name, labels: labelsOf(v.labels) }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const routes: RouteState[] = row.routes.map((r) => ({
    id: r.id,
    name: r.name,
    priority: r.priority,
    match: matchOf(r.match),
    policy: routePolicyOf(r.policy),
    backends: r.backends
      .map((b) => ({ version: b.version.name, weight: b.weight }))
      .sort((a, b) => a.version.localeCompare(b.version)),
  }));
  return {
    id: row.id,
    name: row.name,
    namespace: row.namespace,
    protocol: toProtocol(row.protocol),
    port: row.port,
    description: row.description,
    policy: servicePolicyOf(row.policy),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    versions,
    endpoints: row.endpoints.map(toEndpointState),
    routes: sortRoutes(routes),
  };
}

export function toRevision(row: Prisma.RevisionGetPayload<object>): Revision {
  return {
    id: row.id,
    createdAt: row.createdAt.toISOString(),
    actor: row.actor,
    action: row.action,
    resourceKind: row.resourceKind,
    resourceId: row.resourceId,
    resourceName: row.resourceName,
    summary: row.summary,
    before: row.before ?? null,
    after: row.after ?? null,
  };
}
