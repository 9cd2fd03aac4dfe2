// Cross-resource invariants of the mesh, checked before anything is written. Shape checks (types,
// ranges, weights summing to 100) are done by the contracts' zod schemas at the API edge.
import { hasMatchConditions, isCatchAllMatch, type Backend, type RouteMatch } from "@weft/contracts";
import { conflict, inUse, invalid } from "./errors";
import type { RouteState, ServiceState } from "./mesh-state";

/** Every version named in a split must exist on the service. */
export function checkBackends(service: ServiceState, backends: Backend[], field = "backends"): void {
  const names = service.versions.map((v) => v.name);
  backends.forEach((b, i) => {
    if (!names.includes(b.version)) {
      const known = names.length ? names.join(", ") : "none yet — create one first";
      throw invalid(`${field}.${i}.version`, `version "${b.version}" does not exist on service "${service.name}" (versions: ${known})`);
    }
  });
}

export function checkRouteNameFree(service: ServiceState, name: string, exceptId?: string): void {
  if (service.routes.some((r) => r.name === name && r.id !== exceptId)) {
    throw conflict(`service "${service.name}" already has a route named "${name}"`, "name");
  }
}

export function checkVersionNameFree(service: ServiceState, name: string): void {
  if (service.versions.some((v) => v.name === name)) {
    throw conflict(`service "${service.name}" already has a version named "${name}"`, "name");
  }
}

/** A version cannot be removed while a split sends traffic to it or healthy instances serve it. */
export function checkVersionRemovable(service: ServiceState, versionId: string): void {
  const version = service.versions.find((v) => v.id === versionId);
  if (!version) return;
  const users = service.routes.filter((r) => r.backends.some((b) => b.version === version.name));
  if (users.length > 0) {
    const names = users.map((r) => `"${r.name}"`).join(", ");
    throw inUse(`version "${version.name}" is used by the split of route ${names}; take it out of the split first`);
  }
  const mirrors = service.routes.filter((r) => r.policy.mirror?.version === version.name);
  if (mirrors.length > 0) {
    const names = mirrors.map((r) => `"${r.name}"`).join(", ");
    throw inUse(`version "${version.name}" receives mirrored traffic from route ${names}; remove the mirror first`);
  }
  const live = service.endpoints.filter((e) => e.versionId === versionId && e.health === "healthy").length;
  if (live > 0) {
    throw inUse(`version "${version.name}" still has ${live} healthy endpoint(s); remove them or stop those instances first`);
  }
}

/** True when the match has conditions beyond its path (headers, methods, authority, query). */
const hasConditions = hasMatchConditions;
export const isCatchAll = isCatchAllMatch;

/** True when every request matched by `later` is provably matched by `earlier` (conservative). */
function covers(earlier: RouteMatch, later: RouteMatch): boolean {
  if (hasConditions(earlier)) return false;
  const e = earlier.path;
  const l = later.path;
  if (e.type === "exact") return l.type === "exact" && l.value === e.value;
  if (e.type === "regex") return l.type === "regex" && l.value === e.value;
  // A regex can match any path: only the "/" prefix (every path) surely covers it.
  if (l.type === "regex") return e.value === "/";
  return l.value.startsWith(e.value);
}

/** Routes are ordered, first match wins: refuse an order in which a route can never match. */
export function checkNoShadowedRoutes(routes: RouteState[]): void {
  for (let i = 0; i < routes.length; i++) {
    for (let j = 0; j < i; j++) {
      if (covers(routes[j]!.match, routes[i]!.match)) {
        throw invalid(
          "priority",
          `route "${routes[i]!.name}" would never match: route "${routes[j]!.name}" comes first and matches every request it would. Give "${routes[i]!.name}" a lower priority (earlier position)`,
        );
      }
    }
  }
}

/**
 * Places a route in the service's ordered list and renumbers priorities 0..n-1. Without an explicit
 * position a specific route goes before the trailing catch-all routes, a catch-all goes last.
 */
export function placeRoute(routes: RouteState[], route: RouteState, position?: number): RouteState[] {
  const others = routes.filter((r) => r.id !== route.id);
  let index = position ?? others.length;
  if (position === undefined && !isCatchAll(route.match)) {
    while (index > 0 && isCatchAll(others[index - 1]!.match)) index--;
  }
  index = Math.max(0, Math.min(index, others.length));
  const ordered = [...others.slice(0, index), route, ...others.slice(index)];
  return ordered.map((r, i) => ({ ...r, priority: i }));
}

export function describeSplit(backends: Backend[]): string {
  if (backends.length === 0) return "all versions";
  return backends.map((b) => `${b.version} ${b.weight}%`).join(" / ");
}
