// bin/weft-proxy, the way the sidecar is run: node flags from its arguments, the bundle, and
// glibc's malloc settings (MALLOC_ARENA_MAX=2, MALLOC_MMAP_THRESHOLD_=131072) unless the operator
// set them. NODE points the launcher at a stand-in that
// reports what it was given.
import { execFile } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
  writeFileSync(fakeNode, '#!/bin/sh\nprintf "%s\\n" "MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX MALLOC_MMAP_THRESHOLD_=$MALLOC_MMAP_THRESHOLD_" "$@"\n');
  chmodSync(fakeNode, 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function launch(args: string[], env: Record<string, string> = {}, via = launcher): Promise<string[]> {
  const { MALLOC_ARENA_MAX: _arenas, MALLOC_MMAP_THRESHOLD_: _threshold, ...inherited } = process.env;
  const { stdout } = await promisify(execFile)(via, args, { env: { ...inherited, NODE: fakeNode, ...env } });
  return stdout.trimEnd().split("\n");
}

describe("bin/weft-proxy", () => {
  it("runs the bundle with two malloc arenas and a fixed mmap threshold, node flags first", async () => {
    const [malloc, ...argv] = await launch(["--enable-source-maps", "--cpu-prof"]);
    expect(malloc).toBe("MALLOC_ARENA_MAX=2 MALLOC_MMAP_THRESHOLD_=131072");
    expect(argv.slice(0, 2)).toEqual(["--enable-source-maps", "--cpu-prof"]);
    expect(argv).toHaveLength(3);
    expect(resolve(argv[2]!)).toBe(bundle);
  });

  it("finds the bundle when started through a symlink (npm's .bin)", async () => {
    const link = join(dir, "weft-proxy");
    symlinkSync(launcher, link);
    const [, ...argv] = await launch([], {}, link);
    expect(argv.map((a) => resolve(a))).toEqual([bundle]);
  });

  it("keeps the operator's malloc settings", async () => {
    const [malloc] = await launch([], { MALLOC_ARENA_MAX: "8", MALLOC_MMAP_THRESHOLD_: "1048576" });
    expect(malloc).toBe("MALLOC_ARENA_MAX=8 MALLOC_MMAP_THRESHOLD_=1048576");
  });
});
