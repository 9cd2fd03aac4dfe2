// Who may use the API: console sessions (httpOnly cookie) and bearer API tokens for automation.
// Secrets are random 32-byte values; only their SHA-256 is stored, and they are never logged.
import { createHash, randomBytes } from "node:crypto";
import { ErrorCode } from "@weft/contracts";
import { DomainError } from "../domain/errors";
import type { AuthRepository } from "../ports/auth-repository";
import type { Clock } from "../ports/clock";
import { hashPassword, verifyPassword } from "./passwords";

export interface Principal {
  userId: string;
  username: string;
  role: string;
  via: "session" | "token";
  /** How revisions name this caller, e.g. "admin" or "admin (token ci)". */
  actor: string;
}

export const SESSION_COOKIE = "weft_session";
const TOKEN_PREFIX = "weft_";

const sha256 = (s: string) => createHash("sha256").update(s).digest("hex");
const secret = () => randomBytes(32).toString("base64url");

// Failed logins per username: after 5 in a row, each further attempt waits out a growing lockout.
const MAX_FREE_FAILURES = 5;

export type AuthService = ReturnType<typeof createAuthService>;

export function createAuthService(repo: AuthRepository, clock: Clock, opts: { sessionTtlMs: number }) {
  const failures = new Map<string, { count: number; lockedUntil: number }>();

  return {
    /**
     * First start: creates the admin user (and an optional API token). Returns the generated
     * password when none was supplied, so the caller can show it once.
     */
    async bootstrap(b: { username: string; password?: string; token?: string }): Promise<{ created: boolean; generatedPassword?: string }> {
      if ((await repo.countUsers()) > 0) return { created: false };
      const password = b.password ?? randomBytes(12).toString("base64url");
      const user = await repo.createUser({ username: b.username, passwordHash: await hashPassword(password), role: "admin" });
      if (b.token) {
        await repo.createApiToken({ name: "bootstrap", prefix: b.token.slice(0, 12), tokenHash: sha256(b.token), userId: user.id });
      }
      return b.password ? { created: true } : { created: true, generatedPassword: password };
    },

    async login(username: string, password: string): Promise<{ cookieValue: string; expiresAt: Date; principal: Principal }> {
      const now = clock.now();
      const f = failures.get(username);
      if (f && f.lockedUntil > now) {
        const seconds = Math.ceil((f.lockedUntil - now) / 1000);
        throw new DomainError(ErrorCode.Unauthenticated, `too many failed attempts for "${username}"; try again in ${seconds} s`);
      }
      const user = await repo.findUserByUsername(username);
      const ok = user ? await verifyPassword(password, user.passwordHash) : false;
      if (!user || !ok) {
        const count = (f?.count ?? 0) + 1;
        const lockMs = count > MAX_FREE_FAILURES ? Math.min(2 ** (count - MAX_FREE_FAILURES) * 1000, 300_000) : 0;
        failures.set(username, { count, lockedUntil: now + lockMs });
        throw new DomainError(ErrorCode.Unauthenticated, "wrong username or password");
      }
      failures.delete(username);
      const cookieValue = secret();
      const expiresAt = new Date(now + opts.sessionTtlMs);
      await repo.createSession({ tokenHash: sha256(cookieValue), userId: user.id, expiresAt });
      await repo.deleteExpiredSessions(new Date(now));
      return {
        cookieValue,
        expiresAt,
        principal: { userId: user.id, username: user.username, role: user.role, via: "session", actor: user.username },
      };
    },

    async logout(cookieValue: string): Promise<void> {
      await repo.deleteSession(sha256(cookieValue));
    },

    async fromSession(cookieValue: string): Promise<Principal | null> {
      const s = await repo.findSession(sha256(cookieValue));
      if (!s || s.expiresAt.getTime() <= clock.now()) return null;
      return { userId: s.user.id, username: s.user.username, role: s.user.role, via: "session", actor: s.user.username };
    },

    async fromBearer(token: string): Promise<Principal | null> {
      if (!token.startsWith(TOKEN_PREFIX)) return null;
      const found = await repo.findApiToken(sha256(token));
      if (!found || found.token.revokedAt) return null;
      await repo.touchApiToken(found.token.id, new Date(clock.now()));
      const u = found.user;
      return { userId: u.id, username: u.username, role: u.role, via: "token", actor: `${u.username} (token ${found.token.name})` };
    },

    /** Creates an API token; the returned secret is shown once and never stored. */
    async createToken(principal: Principal, name: string) {
      const token = TOKEN_PREFIX + secret();
      const record = await repo.createApiToken({ name, prefix: token.slice(0, 12), tokenHash: sha256(token), userId: principal.userId });
      return { token, record };
    },

    listTokens: () => repo.listApiTokens(),
    revokeToken: (id: string) => repo.revokeApiToken(id, new Date(clock.now())),
  };
}
