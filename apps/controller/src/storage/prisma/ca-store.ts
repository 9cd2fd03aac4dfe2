// Prisma implementation of the CA store: the root lives in one row with id "root".
import type { Db } from "@weft/db";
import type { CaStore, StoredRoot } from "../../ports/ca-store";

const ROOT_ID = "root";

const rootOf = (r: { certPem: string; keyPem: string; keyEncrypted: boolean }): StoredRoot => ({
  certPem: r.certPem,
  keyPem: r.keyPem,
  keyEncrypted: r.keyEncrypted,
});

export function createPrismaCaStore(db: Db): CaStore {
  async function loadRoot() {
    const row = await db.certificateAuthority.findUnique({ where: { id: ROOT_ID } });
    return row ? rootOf(row) : null;
  }
  return {
    loadRoot,
    async insertRootIfAbsent(root) {
      try {
        return rootOf(await db.certificateAuthority.create({ data: { id: ROOT_ID, ...root } }));
      } catch (err) {
        // Another replica generated its root first: everyone uses that one.
        if ((err as { code?: string }).code !== "P2002") throw err;
        const stored = await loadRoot();
        if (!stored) throw err;
        return stored;
      }
    },
    async updateRootKey(keyPem, keyEncrypted) {
      await db.certificateAuthority.update({ where: { id: ROOT_ID }, data: { keyPem, keyEncrypted } });
    },
  };
}
