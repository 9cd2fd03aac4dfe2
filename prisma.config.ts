// Prisma CLI configuration: picks the SQLite or PostgreSQL schema and migrations by DATABASE_URL.
// The CLI runs the wasm engine through driver adapters (no engine download; works offline).
import { defineConfig } from "prisma/config";
import { migrateAdapterPg } from "./prisma/adapter-pg";
import { migrateAdapterSqlite } from "./prisma/adapter-sqlite";

// `||=` and not `??=`: an empty DATABASE_URL would otherwise make the CLI fall back to the library engine.
const url = (process.env.DATABASE_URL ||= "file:./data/weft.db");
const isPg = /^postgres(ql)?:\/\//.test(url);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: isPg ? "prisma/postgres/schema.prisma" : "prisma/schema.prisma",
  migrations: { path: isPg ? "prisma/postgres/migrations" : "prisma/migrations" },
  adapter: async () => (isPg ? migrateAdapterPg(url) : migrateAdapterSqlite(url)),
});
