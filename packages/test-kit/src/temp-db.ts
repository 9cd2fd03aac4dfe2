// A fresh, migrated database per test: SQLite in a temp directory by default; a fresh PostgreSQL
// database when WEFT_TEST_PG_URL points at a server (see scripts/pg-cluster.sh). Migrations are the
// committed ones, applied in order, so tests run against exactly what `npm run db:deploy` creates.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";
import { createDb, type Db } from "@weft/db";
import { repoRoot } from "./repo";

export interface TestDatabase {
  url: string;
  db: Db;
  /** Disconnects and deletes the database. */
  drop(): Promise<void>;
}

function migrationScripts(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()
    .map((name) => readFileSync(join(dir, name, "migration.sql"), "utf8"));
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const pgUrl = process.env.WEFT_TEST_PG_URL;
  if (pgUrl) return createPostgresDatabase(pgUrl);
  const dir = mkdtempSync(join(tmpdir(), "weft-db-"));
  const file = join(dir, "weft.db");
  const raw = new Database(file);
  for (const sql of migrationScripts(join(repoRoot(), "prisma", "migrations"))) raw.exec(sql);
  raw.close();
  const url = `file:${file}`;
  const db = createDb(url);
  return {
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function createPostgresDatabase(serverUrl: string): Promise<TestDatabase> {
  const name = `weft_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  const url = u.toString();
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  for (const sql of migrationScripts(join(repoRoot(), "prisma", "postgres", "migrations"))) await setup.query(sql);
  await setup.end();
  const db = createDb(url);
  return {
    url,
    db,
    drop: async () => {
      await db.$disconnect();
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await c.end();
    },
  };
}
