// Generates prisma/postgres/schema.prisma from prisma/schema.prisma (the only hand-edited schema):
// same models, provider swapped to PostgreSQL and the client emitted beside the SQLite one.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const source = readFileSync(join(here, "schema.prisma"), "utf8");
const swapped = source
  .replace('provider = "sqlite"', 'provider = "postgresql"')
  .replace('output       = "../packages/db/src/generated/sqlite"', 'output       = "../../packages/db/src/generated/postgres"');
if (swapped === source || !swapped.includes('"postgresql"') || !swapped.includes("generated/postgres")) {
  console.error("gen-postgres-schema: could not find the provider or output line to swap in prisma/schema.prisma");
  process.exit(1);
}
mkdirSync(join(here, "postgres"), { recursive: true });
writeFileSync(
  join(here, "postgres", "schema.prisma"),
  "// GENERATED from prisma/schema.prisma by prisma/gen-postgres-schema.mjs — do not edit.\n" + swapped,
);
