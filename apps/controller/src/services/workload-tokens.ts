// Join tokens: a secret per workload (service + namespace) that its sidecars present to the CA.
// Random 32 bytes shown once at creation; only the SHA-256 is stored; never logged.
import { createHash, randomBytes } from "node:crypto";
import { ErrorCode, JOIN_TOKEN_PREFIX } from "@weft/contracts";
import { DomainError } from "../domain/errors";
import type { Clock } from "../ports/clock";
import type { WorkloadTokenRecord, WorkloadTokenRepository } from "../ports/workload-token-repository";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const unauthenticated = (message: string) => new DomainError(ErrorCode.Unauthenticated, message);

export type WorkloadTokenService = ReturnType<typeof createWorkloadTokenService>;

export function createWorkloadTokenService(repo: WorkloadTokenRepository, clock: Clock, log: { info(obj: object, msg: string): void }) {
  return {
    /** Creates a token; the secret is in the result only. */
    async create(actor: string, input: { service: string; namespace: string; ttlHours: number }): Promise<{ token: string; record: WorkloadTokenRecord }> {
      const token = JOIN_TOKEN_PREFIX + randomBytes(32).toString("base64url");
      const now = clock.now();
      const record = await repo.create({
        service: input.service,
        namespace: input.namespace,
        prefix: token.slice(0, JOIN_TOKEN_PREFIX.length + 6),
        tokenHash: sha256(token),
        createdBy: actor,
        createdAt: new Date(now),
        expiresAt: new Date(now + input.ttlHours * 3_600_000),
      });
      log.info({ tokenId: record.id, service: record.service, namespace: record.namespace, expiresAt: record.expiresAt, by: actor }, "created a workload join token");
      return { token, record };
    },

    list: () => repo.list(),

    async revoke(id: string): Promise<boolean> {
      const revoked = await repo.revoke(id, new Date(clock.now()));
      if (revoked) log.info({ tokenId: id }, "revoked a workload join token");
      return revoked;
    },

    /** The token's record when it may be used now; otherwise an Unauthenticated error saying why. */
    async authenticate(token: string): Promise<WorkloadTokenRecord> {
      if (!token.startsWith(JOIN_TOKEN_PREFIX)) {
        throw unauthenticated(`not a join token: they start with "${JOIN_TOKEN_PREFIX}" (create one with POST /api/v1/workload-tokens)`);
      }
      const record = await repo.findByHash(sha256(token));
      if (!record) throw unauthenticated("unknown join token");
      if (record.revokedAt) throw unauthenticated(`join token ${record.prefix}… was revoked at ${record.revokedAt.toISOString()}`);
      const now = clock.now();
      if (record.expiresAt.getTime() <= now) throw unauthenticated(`join token ${record.prefix}… expired at ${record.expiresAt.toISOString()}; create a new one`);
      await repo.touch(record.id, new Date(now));
      return record;
    },
  };
}
