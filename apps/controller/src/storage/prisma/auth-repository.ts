// Prisma implementation of the auth repository. Stores hashes only.
import type { Db } from "@weft/db";
import type { ApiTokenRecord, AuthRepository, UserRecord } from "../../ports/auth-repository";

const userOf = (u: { id: string; username: string; passwordHash: string; role: string }): UserRecord => ({
  id: u.id,
  username: u.username,
  passwordHash: u.passwordHash,
  role: u.role,
});

const tokenOf = (t: ApiTokenRecord): ApiTokenRecord => ({
  id: t.id,
  name: t.name,
  prefix: t.prefix,
  userId: t.userId,
  createdAt: t.createdAt,
  lastUsedAt: t.lastUsedAt,
  revokedAt: t.revokedAt,
});

export function createPrismaAuthRepository(db: Db): AuthRepository {
  return {
    countUsers: () => db.user.count(),
    createUser: async (data) => userOf(await db.user.create({ data })),
    async findUserByUsername(username) {
      const u = await db.user.findUnique({ where: { username } });
      return u ? userOf(u) : null;
    },
    async updatePassword(userId, passwordHash) {
      await db.user.update({ where: { id: userId }, data: { passwordHash } });
    },
    async createSession(data) {
      await db.session.create({ data });
    },
    async findSession(tokenHash) {
      const s = await db.session.findUnique({ where: { tokenHash }, include: { user: true } });
      return s ? { expiresAt: s.expiresAt, user: userOf(s.user) } : null;
    },
    async deleteSession(tokenHash) {
      await db.session.deleteMany({ where: { tokenHash } });
    },
    async deleteExpiredSessions(now) {
      return (await db.session.deleteMany({ where: { expiresAt: { lt: now } } })).count;
    },
    createApiToken: async (data) => tokenOf(await db.apiToken.create({ data })),
    async findApiToken(tokenHash) {
      const t = await db.apiToken.findUnique({ where: { tokenHash }, include: { user: true } });
      return t ? { token: tokenOf(t), user: userOf(t.user) } : null;
    },
    listApiTokens: async () => (await db.apiToken.findMany({ orderBy: { createdAt: "desc" } })).map(tokenOf),
    async revokeApiToken(id, at) {
      const res = await db.apiToken.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } });
      return res.count > 0;
    },
    async touchApiToken(id, at) {
      await db.apiToken.update({ where: { id }, data: { lastUsedAt: at } });
    },
  };
}
