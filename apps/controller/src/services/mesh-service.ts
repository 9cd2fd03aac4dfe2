// Use cases over the mesh's desired state. Each change: load what it touches inside one
// transaction, check the domain rules, write, append a revision, commit, then tell the distributor.
// Nothing is half-applied: a rule violation aborts the transaction.
import type { z } from "zod";
import type {
  EndpointCreateInput,
  EndpointUpdateInput,
  RouteCreateInput,
  RouteUpdateInput,
  Service,
  ServiceCreateInput,
  ServiceUpdateInput,
  SplitSetInput,
  VersionCreateInput,
  VersionUpdateInput,
} from "@weft/contracts";
import { conflict, invalid, notFound } from "../domain/errors";
import {
  checkBackends,
  checkNoShadowedRoutes,
  checkRouteNameFree,
  checkVersionNameFree,
  checkVersionRemovable,
  describeSplit,
  isCatchAll,
  placeRoute,
} from "../domain/mesh-rules";
import type { RouteState, ServiceState } from "../domain/mesh-state";
import {
  checkCanBecomeTcp,
  checkMatchRegexes,
  checkRoutePolicy,
  checkServicePolicy,
  checkServiceTakesRoutes,
  checkTcpPortFree,
} from "../domain/policy-rules";
import { serviceKey } from "../domain/mesh-state";
import type { MeshRepository, MeshWriter, NewRevision } from "../ports/mesh-repository";
import type { ChangeFeed } from "./change-feed";
import { toEndpointView, toRouteView, toServiceView, toVersionView } from "./views";

type In<T extends z.ZodType> = z.output<T>;
type Change<T> = { result: T; revision: Omit<NewRevision, "actor"> };

export type MeshService = ReturnType<typeof createMeshService>;

export function createMeshService(repo: MeshRepository, feed: ChangeFeed) {
  async function commit<T>(actor: string, work: (tx: MeshWriter) => Promise<Change<T>>): Promise<T & { revision: number }> {
    const out = await repo.transaction(async (tx) => {
      const change = await work(tx);
      const revision = await tx.appendRevision({ ...change.revision, actor });
      return { ...change.result, revision };
    });
    feed.notify(`revision ${out.revision}`);
    return out;
  }

  async function requireService(tx: MeshWriter, id: string): Promise<ServiceState> {
    const s = await tx.loadService(id);
    if (!s) throw notFound(`service "${id}"`);
    return s;
  }

  async function serviceOfRoute(tx: MeshWriter, routeId: string, serviceId?: string): Promise<{ service: ServiceState; route: RouteState }> {
    // Routes are loaded through their service so every rule sees the whole service.
    const candidates = serviceId ? [await requireService(tx, serviceId)] : await findOwner(tx, "route", routeId);
    for (const service of candidates) {
      const route = service.routes.find((r) => r.id === routeId);
      if (route) return { service, route };
    }
    throw notFound(`route "${routeId}"`);
  }

  async function findOwner(tx: MeshWriter, kind: "route" | "version" | "endpoint", id: string): Promise<ServiceState[]> {
    const serviceId = await tx.serviceIdOf(kind, id);
    if (!serviceId) throw notFound(`${kind} "${id}"`);
    return [await requireService(tx, serviceId)];
  }

  const label = (s: ServiceState) => serviceKey(s);

  async function saveOrderedRoutes(tx: MeshWriter, service: ServiceState, ordered: RouteState[], changed: RouteState): Promise<string> {
    checkNoShadowedRoutes(ordered);
    const placed = ordered.find((r) => r === changed || r.id === changed.id)!;
    const id = await tx.saveRoute(service.id, changed.id, { ...changed, priority: placed.priority });
    await tx.setRoutePriorities(ordered.filter((r) => r.id && r.id !== changed.id).map((r) => ({ id: r.id, priority: r.priority })));
    return id;
  }

  return {
    async list(): Promise<Service[]> {
      const state = await repo.loadState();
      return state.services.map(toServiceView);
    },

    async byId(id: string): Promise<Service> {
      const s = await repo.loadService(id);
      if (!s) throw notFound(`service "${id}"`);
      return toServiceView(s);
    },

    createService: (actor: string, input: In<typeof ServiceCreateInput>) =>
      commit(actor, async (tx) => {
        if (await tx.findService(input.namespace, input.name)) {
          throw conflict(`service "${input.name}" already exists in namespace "${input.namespace}"`, "name");
        }
        checkServicePolicy(input, input.policy);
        if (input.protocol === "tcp") checkTcpPortFree(await tx.tcpServices(), input.port);
        const id = await tx.createService(input);
        const created = (await tx.loadService(id))!;
        return {
          result: { service: toServiceView(created) },
          revision: {
            action: "service.create",
            resourceKind: "service",
            resourceId: id,
            resourceName: label(created),
            summary: `created service ${label(created)} (${input.protocol}, port ${input.port})`,
            before: null,
            after: toServiceView(created),
          },
        };
      }),

    updateService: (actor: string, input: In<typeof ServiceUpdateInput>) =>
      commit(actor, async (tx) => {
        const before = await requireService(tx, input.id);
        const { id, ...data } = input;
        // Validated as a whole: the service as it would be after the change.
        const protocol = data.protocol ?? before.protocol;
        const port = data.port ?? before.port;
        checkServicePolicy({ name: before.name, protocol }, data.policy ?? before.policy);
        if (protocol === "tcp" && before.protocol !== "tcp") checkCanBecomeTcp(before);
        if (protocol === "tcp" && (before.protocol !== "tcp" || port !== before.port)) checkTcpPortFree(await tx.tcpServices(), port, before.id);
        await tx.updateService(id, data);
        const after = (await tx.loadService(id))!;
        const changes = Object.keys(data)
          .filter((k) => data[k as keyof typeof data] !== undefined)
          .join(", ");
        return {
          result: { service: toServiceView(after) },
          revision: {
            action: "service.update",
            resourceKind: "service",
            resourceId: id,
            resourceName: label(after),
            summary: `updated service ${label(after)}${changes ? ` (${changes})` : ""}`,
            before: toServiceView(before),
            after: toServiceView(after),
          },
        };
      }),

    removeService: (actor: string, id: string) =>
      commit(actor, async (tx) => {
        const before = await requireService(tx, id);
        await tx.deleteService(id);
        return {
          result: { id },
          revision: {
            action: "service.remove",
            resourceKind: "service",
            resourceId: id,
            resourceName: label(before),
            summary: `removed service ${label(before)} with ${before.versions.length} version(s), ${before.endpoints.length} endpoint(s), ${before.routes.length} route(s)`,
            before: toServiceView(before),
            after: null,
          },
        };
      }),

    createVersion: (actor: string, input: In<typeof VersionCreateInput>) =>
      commit(actor, async (tx) => {
        const s = await requireService(tx, input.serviceId);
        checkVersionNameFree(s, input.name);
        const id = await tx.createVersion(s.id, { name: input.name, labels: { version: input.name, ...input.labels } });
        const after = (await tx.loadService(s.id))!;
        const view = toVersionView(after, after.versions.find((v) => v.id === id)!);
        return {
          result: { version: view },
          revision: {
            action: "version.create",
            resourceKind: "version",
            resourceId: id,
            resourceName: `${label(s)}/${input.name}`,
            summary: `added version ${input.name} to ${label(s)}`,
            before: null,
            after: view,
          },
        };
      }),

    updateVersion: (actor: string, input: In<typeof VersionUpdateInput>) =>
      commit(actor, async (tx) => {
        const [s] = await findOwner(tx, "version", input.id);
        const before = s!.versions.find((v) => v.id === input.id)!;
        await tx.updateVersion(input.id, { version: before.name, ...input.labels });
        const after = (await tx.loadService(s!.id))!;
        const view = toVersionView(after, after.versions.find((v) => v.id === input.id)!);
        return {
          result: { version: view },
          revision: {
            action: "version.update",
            resourceKind: "version",
            resourceId: input.id,
            resourceName: `${label(s!)}/${before.name}`,
            summary: `relabelled version ${before.name} of ${label(s!)}`,
            before: toVersionView(s!, before),
            after: view,
          },
        };
      }),

    removeVersion: (actor: string, id: string) =>
      commit(actor, async (tx) => {
        const [s] = await findOwner(tx, "version", id);
        checkVersionRemovable(s!, id);
        const before = s!.versions.find((v) => v.id === id)!;
        await tx.deleteVersion(id);
        return {
          result: { id },
          revision: {
            action: "version.remove",
            resourceKind: "version",
            resourceId: id,
            resourceName: `${label(s!)}/${before.name}`,
            summary: `removed version ${before.name} from ${label(s!)}`,
            before: toVersionView(s!, before),
            after: null,
          },
        };
      }),

    createEndpoint: (actor: string, input: In<typeof EndpointCreateInput>) =>
      commit(actor, async (tx) => {
        const s = await requireService(tx, input.serviceId);
        const version = s.versions.find((v) => v.name === input.version);
        if (!version) {
          throw invalid("version", `version "${input.version}" does not exist on service "${s.name}" (versions: ${s.versions.map((v) => v.name).join(", ") || "none"})`);
        }
        if (s.endpoints.some((e) => e.address === input.address && e.port === input.port)) {
          throw conflict(`${input.address}:${input.port} is already an endpoint of ${label(s)}`, "address");
        }
        const id = await tx.createEndpoint(s.id, {
          versionId: version.id,
          address: input.address,
          port: input.port,
          weight: input.weight,
          health: input.health,
          source: "api",
          proxyId: null,
          lastSeenAt: null,
        });
        const after = (await tx.loadService(s.id))!;
        const view = toEndpointView(after, after.endpoints.find((e) => e.id === id)!);
        return {
          result: { endpoint: view },
          revision: {
            action: "endpoint.create",
            resourceKind: "endpoint",
            resourceId: id,
            resourceName: `${label(s)}/${input.address}:${input.port}`,
            summary: `added endpoint ${input.address}:${input.port} (${input.version}) to ${label(s)}`,
            before: null,
            after: view,
          },
        };
      }),

    updateEndpoint: (actor: string, input: In<typeof EndpointUpdateInput>) =>
      commit(actor, async (tx) => {
        const [s] = await findOwner(tx, "endpoint", input.id);
        const before = s!.endpoints.find((e) => e.id === input.id)!;
        let versionId: string | undefined;
        if (input.version) {
          versionId = s!.versions.find((v) => v.name === input.version)?.id;
          if (!versionId) throw invalid("version", `version "${input.version}" does not exist on service "${s!.name}"`);
        }
        await tx.updateEndpoint(input.id, {
          ...(versionId ? { versionId } : {}),
          ...(input.weight !== undefined ? { weight: input.weight } : {}),
          ...(input.health ? { health: input.health } : {}),
        });
        const after = (await tx.loadService(s!.id))!;
        const view = toEndpointView(after, after.endpoints.find((e) => e.id === input.id)!);
        return {
          result: { endpoint: view },
          revision: {
            action: "endpoint.update",
            resourceKind: "endpoint",
            resourceId: input.id,
            resourceName: `${label(s!)}/${before.address}:${before.port}`,
            summary: `updated endpoint ${before.address}:${before.port} of ${label(s!)}`,
            before: toEndpointView(s!, before),
            after: view,
          },
        };
      }),

    removeEndpoint: (actor: string, id: string) =>
      commit(actor, async (tx) => {
        const [s] = await findOwner(tx, "endpoint", id);
        const before = s!.endpoints.find((e) => e.id === id)!;
        await tx.deleteEndpoint(id);
        return {
          result: { id },
          revision: {
            action: "endpoint.remove",
            resourceKind: "endpoint",
            resourceId: id,
            resourceName: `${label(s!)}/${before.address}:${before.port}`,
            summary: `removed endpoint ${before.address}:${before.port} from ${label(s!)}`,
            before: toEndpointView(s!, before),
            after: null,
          },
        };
      }),

    createRoute: (actor: string, input: In<typeof RouteCreateInput>) =>
      commit(actor, async (tx) => {
        const s = await requireService(tx, input.serviceId);
        checkServiceTakesRoutes(s);
        checkRouteNameFree(s, input.name);
        checkMatchRegexes(input.match);
        checkBackends(s, input.backends);
        checkRoutePolicy(s, input.match, input.policy);
        const draft: RouteState = { id: "", name: input.name, priority: 0, match: input.match, backends: input.backends, policy: input.policy };
        const id = await saveOrderedRoutes(tx, s, placeRoute(s.routes, draft, input.priority), draft);
        const after = (await tx.loadService(s.id))!;
        const view = toRouteView(after, after.routes.find((r) => r.id === id)!);
        return {
          result: { route: view },
          revision: {
            action: "route.create",
            resourceKind: "route",
            resourceId: id,
            resourceName: `${label(s)}/${input.name}`,
            summary: `added route ${input.name} to ${label(s)}: ${describeSplit(input.backends)}`,
            before: null,
            after: view,
          },
        };
      }),

    updateRoute: (actor: string, input: In<typeof RouteUpdateInput>) =>
      commit(actor, async (tx) => {
        const { service: s, route: before } = await serviceOfRoute(tx, input.id);
        if (input.name) checkRouteNameFree(s, input.name, before.id);
        if (input.match) checkMatchRegexes(input.match);
        if (input.backends) checkBackends(s, input.backends);
        const changed: RouteState = {
          ...before,
          ...(input.name ? { name: input.name } : {}),
          ...(input.match ? { match: input.match } : {}),
          ...(input.backends ? { backends: input.backends } : {}),
          ...(input.policy ? { policy: input.policy } : {}),
        };
        checkRoutePolicy(s, changed.match, changed.policy);
        const position = input.priority ?? (input.match ? undefined : before.priority);
        await saveOrderedRoutes(tx, s, placeRoute(s.routes, changed, position), changed);
        const after = (await tx.loadService(s.id))!;
        const view = toRouteView(after, after.routes.find((r) => r.id === before.id)!);
        const splitChange = input.backends ? `: split ${describeSplit(before.backends)} → ${describeSplit(input.backends)}` : "";
        const policyChange = input.policy ? " (policy)" : "";
        return {
          result: { route: view },
          revision: {
            action: "route.update",
            resourceKind: "route",
            resourceId: before.id,
            resourceName: `${label(s)}/${changed.name}`,
            summary: `updated route ${changed.name} of ${label(s)}${splitChange}${policyChange}`,
            before: toRouteView(s, before),
            after: view,
          },
        };
      }),

    removeRoute: (actor: string, id: string) =>
      commit(actor, async (tx) => {
        const { service: s, route } = await serviceOfRoute(tx, id);
        await tx.deleteRoute(id);
        const rest = s.routes.filter((r) => r.id !== id).map((r, i) => ({ id: r.id, priority: i }));
        await tx.setRoutePriorities(rest);
        return {
          result: { id },
          revision: {
            action: "route.remove",
            resourceKind: "route",
            resourceId: id,
            resourceName: `${label(s)}/${route.name}`,
            summary: `removed route ${route.name} from ${label(s)}`,
            before: toRouteView(s, route),
            after: null,
          },
        };
      }),

    /** Sets the weighted split of a route; without routeId, of the service's catch-all route (created if absent). */
    setSplit: (actor: string, input: In<typeof SplitSetInput>) =>
      commit(actor, async (tx) => {
        const s = await requireService(tx, input.serviceId);
        checkServiceTakesRoutes(s);
        checkBackends(s, input.backends);
        let route = input.routeId ? s.routes.find((r) => r.id === input.routeId) : [...s.routes].reverse().find((r) => isCatchAll(r.match));
        if (input.routeId && !route) throw invalid("routeId", `route "${input.routeId}" is not a route of service "${s.name}"`);
        const before = route ? toRouteView(s, route) : null;
        if (!route) {
          if (s.routes.some((r) => r.name === "default")) throw conflict(`service "${s.name}" has a route named "default" that is not a catch-all; pass routeId`, "routeId");
          route = { id: "", name: "default", priority: s.routes.length, match: { path: { type: "prefix", value: "/" }, headers: [] }, backends: [], policy: {} };
        }
        const changed = { ...route, backends: input.backends };
        const id = await saveOrderedRoutes(tx, s, placeRoute(s.routes, changed, route.id ? route.priority : undefined), changed);
        const after = (await tx.loadService(s.id))!;
        const view = toRouteView(after, after.routes.find((r) => r.id === id)!);
        return {
          result: { route: view },
          revision: {
            action: "split.set",
            resourceKind: "route",
            resourceId: id,
            resourceName: `${label(s)}/${changed.name}`,
            summary: `split of ${label(s)} route ${changed.name}: ${describeSplit(route.backends)} → ${describeSplit(input.backends)}`,
            before,
            after: view,
          },
        };
      }),

    revisions: (opts: { limit: number; before?: number; resourceId?: string }) => repo.listRevisions(opts),
  };
}
