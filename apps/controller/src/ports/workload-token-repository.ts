// Join tokens as storage sees them. Only the SHA-256 of a token is ever stored.
export interface WorkloadTokenRecord {
  id: string;
  service: string;
  namespace: string;
  prefix: string;
  createdBy: string;
  createdAt: Date;
  expiresAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface WorkloadTokenRepository {
  create(data: { service: string; namespace: string; prefix: string; tokenHash: string; createdBy: string; createdAt: Date; expiresAt: Date }): Promise<WorkloadTokenRecord>;
  findByHash(tokenHash: string): Promise<WorkloadTokenRecord | null>;
  list(): Promise<WorkloadTokenRecord[]>;
  /** False when there is no such token or it was already revoked. */
  revoke(id: string, at: Date): Promise<boolean>;
  touch(id: string, at: Date): Promise<void>;
}
