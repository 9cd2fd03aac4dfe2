import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { createStateDir } from "./persist";
import { createConfigPersistence } from "./persist-config";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), "weft-persist-"));
  dirs.push(d);
  return join(d, "state", "node-1"); // created on first write
};

describe("createStateDir", () => {
  it("writes atomically (no temp file left), mode 600, in a directory it creates", async () => {
    const path = tempDir();
    const dir = createStateDir(path);
    expect(await dir.read("a.json")).toBeUndefined();
    await dir.write("a.json", '{"v":1}');
    expect(readFileSync(join(path, "a.json"), "utf8")).toBe('{"v":1}');
    expect(statSync(join(path, "a.json")).mode & 0o777).toBe(0o600);
    expect(statSync(path).mode & 0o777).toBe(0o700);
    expect(readdirSync(path)).toEqual(["a.json"]);
  });

  it("coalesces bursts: the last content wins and every caller is told when it is on disk", async () => {
    const path = tempDir();
    const dir = createStateDir(path);
    const writes = Array.from({ length: 20 }, (_, i) => dir.write("c.json", String(i)));
    await Promise.all(writes);
    expect(await dir.read("c.json")).toBe("19");
    expect(readdirSync(path)).toEqual(["c.json"]);
  });
});

describe("createConfigPersistence", () => {
  it("round-trips the accepted resources and ignores unreadable or foreign files", async () => {
    const path = tempDir();
    const dir = createStateDir(path);
    const logger = pino({ level: "silent" });
    const p = createConfigPersistence(dir, "node-1", logger, () => 1_700_000_000_000);
    expect(await p.load()).toBeUndefined();
    p.save({ "type.googleapis.com/envoy.config.cluster.v3.Cluster": { version: "7.ab", resources: [{ name: "a" }] } });
    await p.flush();
    expect(await p.load()).toEqual({
      format: 1,
      savedAt: "2023-11-14T22:13:20.000Z",
      nodeId: "node-1",
      types: { "type.googleapis.com/envoy.config.cluster.v3.Cluster": { version: "7.ab", resources: [{ name: "a" }] } },
    });
    await dir.write("config.json", "{not json");
    expect(await p.load()).toBeUndefined();
    await dir.write("config.json", JSON.stringify({ format: 99, types: {} }));
    expect(await p.load()).toBeUndefined();
  });
});
