// The mesh as the domain sees it: plain immutable data, loaded by a repository, never a Prisma row.
import type { Backend, EndpointHealth, Protocol, RouteMatch, RoutePolicy, ServicePolicy } from "@weft/contracts";

export interface VersionState {
  id: string;
  name: string;
  labels: Record<string, string>;
}

export interface EndpointState {
  id: string;
  versionId: string;
  address: string;
  port: number;
  weight: number;
  health: EndpointHealth;
  source: "api" | "sidecar";
  proxyId: string | null;
  lastSeenAt: Date | null;
}

export interface RouteState {
  id: string;
  name: string;
  priority: number;
  match: RouteMatch;
  /** Split across versions by version *name*; empty = the whole service. */
  backends: Backend[];
  /** As the user set it (validated); defaults are applied by the snapshot. */
  policy: RoutePolicy;
}

export interface ServiceState {
  id: string;
  name: string;
  namespace: string;
  protocol: Protocol;
  port: number;
  description: string;
  /** As the user set it (validated); defaults are applied by the snapshot. */
  policy: ServicePolicy;
  createdAt: Date;
  updatedAt: Date;
  versions: VersionState[];
  endpoints: EndpointState[];
  /** Sorted by priority, then name. */
  routes: RouteState[];
}

export interface MeshState {
  /** Id of the newest revision: the mesh's config version. 0 before any change. */
  revision: number;
  services: ServiceState[];
}

export function serviceKey(s: { name: string; namespace: string }): string {
  return `${s.name}.${s.namespace}`;
}

export function sortRoutes<T extends { priority: number; name: string }>(routes: T[]): T[] {
  return [...routes].sort((a, b) => a.priority - b.priority || a.name.localeCompare(b.name));
}
