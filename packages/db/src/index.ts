// Database access for Weft: one Prisma client type, backed by the embedded SQLite file (default)
// or PostgreSQL (several controller replicas), chosen by the URL's scheme.
import { resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "./generated/sqlite/client";
import { PrismaClient as PgClient } from "./generated/postgres/client";

export type Db = SqliteClient;
export * from "./generated/sqlite/client";
export { Prisma } from "./generated/sqlite/client";

export function isPostgresUrl(url: string): boolean {
  return /^postgres(ql)?:\/\//.test(url);
}

/** Absolute file: URL for SQLite (relative paths would resolve against whatever cwd the process has). */
export function absoluteSqliteUrl(url: string, base = process.cwd()): string {
  const path = url.replace(/^file:/, "");
  if (path === ":memory:") return url;
  return `file:${resolve(base, path)}`;
}

export function createDb(url: string): Db {
  if (isPostgresUrl(url)) {
    return new PgClient({ adapter: new PrismaPg({ connectionString: url }) }) as unknown as Db;
  }
  return new SqliteClient({ adapter: new PrismaBetterSQLite3({ url: absoluteSqliteUrl(url) }) });
}
