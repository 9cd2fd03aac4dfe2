// bin/weft-proxy, the way the sidecar is run: node flags from its arguments, the bundle, and
// MALLOC_ARENA_MAX=2 unless the operator set it. NODE points the launcher at a stand-in that
// reports what it was given.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const launcher = resolve(import.meta.dirname, "../bin/weft-proxy");
const bundle = resolve(import.meta.dirname, "../dist/main.js");
let dir: string;
let fakeNode: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "weft-launcher-"));
  fakeNode = join(dir, "node");
  writeFileSync(fakeNode, '#!/bin/sh\nprintf "%s\\n" "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX" "$@"\n');
  chmodSync(fakeNode, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function launch(args: string[], env: Record<string, string> = {}): Promise<string[]> {
  const { MALLOC_ARENA_MAX: _ignored, ...inherited } = process.env;
  const { stdout } = await promisify(execFile)(launcher, args, { env: { ...inherited, NODE: fakeNode, ...env } });
  return stdout.trimEnd().split("\n");
}

describe("bin/weft-proxy", () => {
  it("runs the bundle with two malloc arenas, node flags first", async () => {
    const [arenas, ...argv] = await launch(["--enable-source-maps", "--cpu-prof"]);
    expect(arenas).toBe("MALLOC_ARENA_MAX=2");
    expect(argv.slice(0, 2)).toEqual(["--enable-source-maps", "--cpu-prof"]);
    expect(argv).toHaveLength(3);
    expect(resolve(argv[2]!)).toBe(bundle);
  });

  it("keeps the operator's MALLOC_ARENA_MAX", async () => {
    const [arenas] = await launch([], { MALLOC_ARENA_MAX: "8" });
    expect(arenas).toBe("MALLOC_ARENA_MAX=8");
  });
});
