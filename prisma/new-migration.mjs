// Writes a new migration for both providers from the difference between the migrations folder and
// the schema: `npm run db:new -- <name>`. SQLite always; PostgreSQL when PG_URL points at a server
// (the diff needs a shadow database). Review every generated SQL file before committing.
import { execFileSync } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const name = process.argv[2];
if (!name || !/^[a-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:new -- <snake_case_name>");
  process.exit(1);
}
const stamp = new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14);
const targets = [
  { url: "file:./data/migrate-scratch.db", dir: "prisma/migrations", schema: "prisma/schema.prisma" },
];
if (process.env.PG_URL) targets.push({ url: process.env.PG_URL, dir: "prisma/postgres/migrations", schema: "prisma/postgres/schema.prisma" });
else console.warn("PG_URL is not set: only the SQLite migration is generated. Set PG_URL to generate the PostgreSQL one too.");

for (const t of targets) {
  const sql = execFileSync(
    "node_modules/.bin/prisma",
    ["migrate", "diff", "--from-migrations", t.dir, "--to-schema-datamodel", t.schema, "--script"],
    { env: { ...process.env, DATABASE_URL: t.url }, encoding: "utf8" },
  );
  const statements = sql.split("\n").filter((l) => l.trim() && !l.trim().startsWith("--"));
  if (statements.length === 0) {
    console.log(`${t.dir}: no changes`);
    continue;
  }
  const out = join(t.dir, `${stamp}_${name}`);
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, "migration.sql"), sql);
  console.log(`${t.dir}: wrote ${out}/migration.sql`);
}
