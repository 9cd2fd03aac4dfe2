// What authentication needs from storage. Only hashes of secrets are ever stored.

export interface UserRecord {
  id: string;
  username: string;
  passwordHash: string;
  role: string;
}

export interface ApiTokenRecord {
  id: string;
  name: string;
  prefix: string;
  userId: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface AuthRepository {
  countUsers(): Promise<number>;
  createUser(data: { username: string; passwordHash: string; role: string }): Promise<UserRecord>;
  findUserByUsername(username: string): Promise<UserRecord | null>;
  updatePassword(userId: string, passwordHash: string): Promise<void>;

  createSession(data: { tokenHash: string; userId: string; expiresAt: Date }): Promise<void>;
  findSession(tokenHash: string): Promise<{ expiresAt: Date; user: UserRecord } | null>;
  deleteSession(tokenHash: string): Promise<void>;
  deleteExpiredSessions(now: Date): Promise<number>;

  createApiToken(data: { name: string; prefix: string; tokenHash: string; userId: string }): Promise<ApiTokenRecord>;
  findApiToken(tokenHash: string): Promise<{ token: ApiTokenRecord; user: UserRecord } | null>;
  listApiTokens(): Promise<ApiTokenRecord[]>;
  revokeApiToken(id: string, at: Date): Promise<boolean>;
  touchApiToken(id: string, at: Date): Promise<void>;
}
