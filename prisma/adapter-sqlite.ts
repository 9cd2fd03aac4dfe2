// CLI-only SQLite adapter for Prisma migrate. The shadow database must run each migration.sql as a
// script (many statements); the stock adapter would send it as one statement and fail.
import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

type ShadowAdapter = {
  executeRaw(query: { sql: string; args: unknown[] }): Promise<number>;
  executeScript(script: string): Promise<void>;
};

export function migrateAdapterSqlite(url: string) {
  const file = url.replace(/^file:/, "");
  if (file !== ":memory:") mkdirSync(dirname(resolve(file)), { recursive: true });
  const factory = new PrismaBetterSQLite3({ url });
  const connectShadow = factory.connectToShadowDb.bind(factory);
  factory.connectToShadowDb = async () => {
    const shadow = (await connectShadow()) as unknown as ShadowAdapter;
    const executeRaw = shadow.executeRaw.bind(shadow);
    shadow.executeRaw = async (query) => {
      if (query.args.length === 0) {
        await shadow.executeScript(query.sql);
        return 0;
      }
      return executeRaw(query);
    };
    return shadow as unknown as Awaited<ReturnType<typeof connectShadow>>;
  };
  return factory;
}
