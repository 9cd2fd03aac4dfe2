// Locates the repository root from any package (tests run with their package as cwd).
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, "turbo.json"))) {
    const up = dirname(dir);
    if (up === dir) throw new Error("repoRoot: turbo.json not found above " + fileURLToPath(import.meta.url));
    dir = up;
  }
  return dir;
}
