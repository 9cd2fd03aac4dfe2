// CLI-only PostgreSQL adapter for Prisma migrate. Works around prisma/orm#27403 (columns of type
// `name` / `"char"` cannot be deserialised by the wasm engine) by reporting them as text, lets the
// pool exit when idle, and gives the shadow database the same patched pool.
import { randomBytes } from "node:crypto";
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";

const NAME_OID = 19;
const CHAR_OID = 18;
const TEXT_OID = 25;

class TextNamePool extends pg.Pool {
  override query(...args: unknown[]): any {
    const result = (super.query as (...a: unknown[]) => any)(...args);
    const patch = (res: any) => {
      for (const field of res?.fields ?? []) {
        if (field.dataTypeID === NAME_OID || field.dataTypeID === CHAR_OID) field.dataTypeID = TEXT_OID;
      }
      return res;
    };
    return result && typeof result.then === "function" ? result.then(patch) : result;
  }
}

function poolFor(connectionString: string) {
  return new TextNamePool({ connectionString, allowExitOnIdle: true, max: 4 });
}

export function migrateAdapterPg(url: string) {
  const factory = new PrismaPg(poolFor(url) as unknown as pg.Pool, { disposeExternalPool: true });
  factory.connectToShadowDb = async () => {
    const name = `prisma_shadow_${randomBytes(6).toString("hex")}`;
    const admin = poolFor(url);
    await admin.query(`CREATE DATABASE "${name}"`);
    const shadowUrl = new URL(url);
    shadowUrl.pathname = `/${name}`;
    const shadowFactory = new PrismaPg(poolFor(shadowUrl.toString()) as unknown as pg.Pool, { disposeExternalPool: true });
    const shadow = await shadowFactory.connect();
    const dispose = shadow.dispose.bind(shadow);
    shadow.dispose = async () => {
      await dispose();
      await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      await admin.end();
    };
    return shadow;
  };
  return factory;
}
