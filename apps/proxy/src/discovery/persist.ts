// The sidecar's state directory (WEFT_STATE_DIR): small files written atomically (temp file in the
// same directory, fsync, rename) so a crash leaves the previous version or the new one, never half
// a file. Writes of one name are serialised and coalesced: only the latest content matters.
import { mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";

export interface StateDir {
  readonly path: string;
  /** Latest-wins atomic write; resolves when this content (or a newer one) is on disk. */
  write(name: string, content: string, mode?: number): Promise<void>;
  /** The file's content, or undefined when it does not exist. */
  read(name: string): Promise<string | undefined>;
}

export function createStateDir(path: string): StateDir {
  let created: Promise<void> | undefined;
  // Per file: the write in progress and the content waiting to follow it.
  const inFlight = new Map<string, { running: Promise<void>; next: { content: string; mode: number; done: Promise<void>; resolve(): void; reject(e: unknown): void } | undefined }>();

  const ensureDir = () => (created ??= mkdir(path, { recursive: true, mode: 0o700 }).then(() => undefined));

  async function writeNow(name: string, content: string, mode: number): Promise<void> {
    await ensureDir();
    const target = join(path, name);
    const temp = `${target}.${process.pid}.tmp`;
    const fh = await open(temp, "w", mode);
    try {
      await fh.writeFile(content);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(temp, target);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  function start(name: string, content: string, mode: number): Promise<void> {
    const running = writeNow(name, content, mode).finally(() => {
      const entry = inFlight.get(name)!;
      const next = entry.next;
      if (next === undefined) {
        inFlight.delete(name);
        return;
      }
      entry.next = undefined;
      start(name, next.content, next.mode).then(next.resolve, next.reject);
    });
    const entry = inFlight.get(name);
    if (entry) entry.running = running;
    else inFlight.set(name, { running, next: undefined });
    return running;
  }

  return {
    path,
    write(name, content, mode = 0o600) {
      const entry = inFlight.get(name);
      if (entry === undefined) return start(name, content, mode);
      if (entry.next !== undefined) {
        // Replace the queued content; whoever waited for it gets the newer one.
        entry.next.content = content;
        entry.next.mode = mode;
        return entry.next.done;
      }
      let resolve!: () => void;
      let reject!: (e: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      entry.next = { content, mode, done, resolve, reject };
      return done;
    },
    async read(name) {
      try {
        return await readFile(join(path, name), "utf8");
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw err;
      }
    },
  };
}
