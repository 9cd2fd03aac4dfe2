// Prisma implementation of the mesh repository (SQLite or PostgreSQL, same code).
import type { Db, Prisma } from "@weft/db";
import type { MeshRepository, MeshWriter, RouteData } from "../../ports/mesh-repository";
import { fromHealth, fromProtocol, serviceInclude, toEndpointState, toRevision, toServiceState } from "./mappers";

type Tx = Prisma.TransactionClient;

const json = (v: unknown) => (v === null || v === undefined ? undefined : (v as Prisma.InputJsonValue));

function createWriter(tx: Tx): MeshWriter {
  const loadService = async (id: string) => {
    const row = await tx.service.findUnique({ where: { id }, include: serviceInclude });
    return row ? toServiceState(row) : null;
  };
  return {
    loadService,
    async findService(namespace, name) {
      const row = await tx.service.findUnique({ where: { namespace_name: { namespace, name } }, include: serviceInclude });
      return row ? toServiceState(row) : null;
    },
    async tcpServices() {
      return tx.service.findMany({ where: { protocol: "TCP" }, select: { id: true, name: true, namespace: true, port: true } });
    },
    async serviceIdOf(kind, id) {
      const where = { where: { id }, select: { serviceId: true } };
      const row =
        kind === "route" ? await tx.route.findUnique(where) : kind === "version" ? await tx.version.findUnique(where) : await tx.endpoint.findUnique(where);
      return row?.serviceId ?? null;
    },
    async createService(data) {
      const row = await tx.service.create({ data: { ...data, protocol: fromProtocol(data.protocol), policy: data.policy as Prisma.InputJsonValue } });
      return row.id;
    },
    async updateService(id, data) {
      const { protocol, policy, ...rest } = data;
      await tx.service.update({
        where: { id },
        data: { ...rest, ...(protocol ? { protocol: fromProtocol(protocol) } : {}), ...(policy ? { policy: policy as Prisma.InputJsonValue } : {}) },
      });
    },
    async deleteService(id) {
      await tx.routeBackend.deleteMany({ where: { route: { serviceId: id } } });
      await tx.service.delete({ where: { id } });
    },
    async createVersion(serviceId, data) {
      return (await tx.version.create({ data: { serviceId, name: data.name, labels: data.labels } })).id;
    },
    async updateVersion(id, labels) {
      await tx.version.update({ where: { id }, data: { labels } });
    },
    async deleteVersion(id) {
      await tx.version.delete({ where: { id } });
    },
    async createEndpoint(serviceId, data) {
      const row = await tx.endpoint.create({
        data: { serviceId, ...data, health: fromHealth(data.health), source: data.source === "sidecar" ? "SIDECAR" : "API" },
      });
      return row.id;
    },
    async updateEndpoint(id, data) {
      const { health, source, ...rest } = data;
      await tx.endpoint.update({
        where: { id },
        data: {
          ...rest,
          ...(health ? { health: fromHealth(health) } : {}),
          ...(source ? { source: source === "sidecar" ? ("SIDECAR" as const) : ("API" as const) } : {}),
        },
      });
    },
    async deleteEndpoint(id) {
      await tx.endpoint.delete({ where: { id } });
    },
    async saveRoute(serviceId: string, id: string, data: RouteData) {
      const versions = await tx.version.findMany({ where: { serviceId }, select: { id: true, name: true } });
      const idOf = new Map(versions.map((v) => [v.name, v.id]));
      const backends = data.backends.map((b) => ({ versionId: idOf.get(b.version)!, weight: b.weight }));
      if (!id) {
        const row = await tx.route.create({
          data: { serviceId, name: data.name, priority: data.priority, match: data.match, policy: data.policy as Prisma.InputJsonValue, backends: { create: backends } },
        });
        return row.id;
      }
      await tx.routeBackend.deleteMany({ where: { routeId: id } });
      await tx.route.update({
        where: { id },
        data: { name: data.name, priority: data.priority, match: data.match, policy: data.policy as Prisma.InputJsonValue, backends: { create: backends } },
      });
      return id;
    },
    async deleteRoute(id) {
      await tx.route.delete({ where: { id } });
    },
    async setRoutePriorities(order) {
      for (const { id, priority } of order) await tx.route.update({ where: { id }, data: { priority } });
    },
    async appendRevision(r) {
      const row = await tx.revision.create({
        data: { ...r, before: json(r.before), after: json(r.after) },
      });
      return row.id;
    },
  };
}

export function createPrismaMeshRepository(db: Db): MeshRepository {
  return {
    async loadState() {
      const [rows, newest] = await Promise.all([
        db.service.findMany({ include: serviceInclude, orderBy: [{ namespace: "asc" }, { name: "asc" }] }),
        db.revision.findFirst({ orderBy: { id: "desc" }, select: { id: true } }),
      ]);
      return { revision: newest?.id ?? 0, services: rows.map(toServiceState) };
    },
    async loadService(id) {
      const row = await db.service.findUnique({ where: { id }, include: serviceInclude });
      return row ? toServiceState(row) : null;
    },
    async listRevisions({ limit, before, resourceId }) {
      const rows = await db.revision.findMany({
        where: { ...(before ? { id: { lt: before } } : {}), ...(resourceId ? { resourceId } : {}) },
        orderBy: { id: "desc" },
        take: limit,
      });
      return rows.map(toRevision);
    },
    async fingerprint() {
      const [newest, endpoints] = await Promise.all([
        db.revision.findFirst({ orderBy: { id: "desc" }, select: { id: true } }),
        db.endpoint.aggregate({ _count: { _all: true }, _max: { updatedAt: true } }),
      ]);
      return `${newest?.id ?? 0}:${endpoints._count._all}:${endpoints._max.updatedAt?.getTime() ?? 0}`;
    },
    transaction(work) {
      return db.$transaction((tx) => work(createWriter(tx)), { timeout: 15_000, maxWait: 10_000 });
    },
    endpoints: {
      async findByAddress(serviceId, address, port) {
        const row = await db.endpoint.findUnique({ where: { serviceId_address_port: { serviceId, address, port } } });
        return row ? toEndpointState(row) : null;
      },
      async markProxyGone(proxyId, at) {
        const res = await db.endpoint.updateMany({
          where: { proxyId, source: "SIDECAR", health: "HEALTHY" },
          data: { health: "UNHEALTHY", lastSeenAt: at },
        });
        return res.count;
      },
      async touchProxies(proxyIds, at) {
        if (proxyIds.length === 0) return;
        await db.endpoint.updateMany({ where: { source: "SIDECAR", proxyId: { in: proxyIds }, health: "HEALTHY" }, data: { lastSeenAt: at } });
      },
      async markStaleUnhealthy(olderThan) {
        const res = await db.endpoint.updateMany({
          where: { source: "SIDECAR", health: "HEALTHY", lastSeenAt: { lt: olderThan } },
          data: { health: "UNHEALTHY" },
        });
        return res.count;
      },
      async deleteStaleSidecarEndpoints(olderThan) {
        const res = await db.endpoint.deleteMany({
          where: { source: "SIDECAR", health: { not: "HEALTHY" }, lastSeenAt: { lt: olderThan } },
        });
        return res.count;
      },
    },
  };
}
