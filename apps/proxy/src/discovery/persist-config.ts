// The last good configuration on disk (`<state dir>/config.json`): every accepted xDS resource as
// decoded, with its version, rewritten atomically after each accepted update. A sidecar that starts
// while the controller is unreachable restores it and serves from it.
import type { Logger } from "pino";
import type { AcceptedType } from "./config-store";
import type { StateDir } from "./persist";

export const CONFIG_FILE = "config.json";
const FORMAT = 1;

export interface PersistedConfig {
  format: number;
  /** When it was written (ISO). */
  savedAt: string;
  nodeId: string;
  /** Per xDS type URL. */
  types: Record<string, AcceptedType>;
}

export interface ConfigPersistence {
  /** Writes in the background (latest wins); failures are logged, never thrown. */
  save(types: Record<string, AcceptedType>): void;
  /** The persisted config, or undefined (none, unreadable, or another format — logged). */
  load(): Promise<PersistedConfig | undefined>;
  /** Resolves when every save so far is on disk (tests, shutdown). */
  flush(): Promise<void>;
}

export function createConfigPersistence(dir: StateDir, nodeId: string, logger: Logger, now: () => number): ConfigPersistence {
  let last: Promise<void> = Promise.resolve();
  return {
    save(types) {
      const doc: PersistedConfig = { format: FORMAT, savedAt: new Date(now()).toISOString(), nodeId, types };
      last = dir.write(CONFIG_FILE, JSON.stringify(doc), 0o600).catch((err: unknown) => {
        logger.warn({ err: (err as Error).message, dir: dir.path }, "could not persist the last good config");
      });
    },
    async load() {
      let text: string | undefined;
      try {
        text = await dir.read(CONFIG_FILE);
      } catch (err) {
        logger.warn({ err: (err as Error).message, dir: dir.path }, "could not read the persisted config");
        return undefined;
      }
      if (text === undefined) return undefined;
      try {
        const doc = JSON.parse(text) as PersistedConfig;
        if (doc.format !== FORMAT || typeof doc.types !== "object" || doc.types === null) {
          logger.warn({ dir: dir.path, format: doc.format }, "ignoring a persisted config of another format");
          return undefined;
        }
        return doc;
      } catch (err) {
        logger.warn({ err: (err as Error).message, dir: dir.path }, "ignoring an unreadable persisted config");
        return undefined;
      }
    },
    flush: () => last,
  };
}
