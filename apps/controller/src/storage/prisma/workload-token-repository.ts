// Prisma implementation of the join-token repository. Stores hashes only.
import type { Db } from "@weft/db";
import type { WorkloadTokenRecord, WorkloadTokenRepository } from "../../ports/workload-token-repository";

const recordOf = (t: WorkloadTokenRecord): WorkloadTokenRecord => ({
  id: t.id,
  service: t.service,
  namespace: t.namespace,
  prefix: t.prefix,
  createdBy: t.createdBy,
  createdAt: t.createdAt,
  expiresAt: t.expiresAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
});

export function createPrismaWorkloadTokenRepository(db: Db): WorkloadTokenRepository {
  return {
    create: async (data) => recordOf(await db.workloadToken.create({ data })),
    async findByHash(tokenHash) {
      const row = await db.workloadToken.findUnique({ where: { tokenHash } });
      return row ? recordOf(row) : null;
    },
    list: async () => (await db.workloadToken.findMany({ orderBy: { createdAt: "desc" } })).map(recordOf),
    async revoke(id, at) {
      return (await db.workloadToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } })).count > 0;
    },
    async touch(id, at) {
      await db.workloadToken.update({ where: { id }, data: { lastUsedAt: at } });
    },
  };
}
