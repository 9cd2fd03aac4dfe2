import { afterEach, describe, expect, it } from "vitest";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeContext } from "../../test/support/runtime";
import { createAccessLog, type AccessLogLine } from "./access-log";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempFile(name = "access.jsonl"): string {
  const dir = mkdtempSync(join(tmpdir(), "weft-access-"));
  dirs.push(dir);
  return join(dir, "nested", name);
}

function request(status: number) {
  const ctx = makeContext({ path: "/books/7?api_key=secret", method: "GET", headers: { authorization: "Bearer secret", cookie: "session=secret" } });
  ctx.status = status;
  ctx.durationMs = 12.3456;
  ctx.traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
  ctx.destination = { service: "ratings", namespace: "shop", version: "v2" };
  ctx.route = { name: "default" } as never;
  ctx.endpoint = { key: "10.0.0.7:9080" } as never;
  ctx.attempts = 2;
  ctx.reason = "retried";
  ctx.requestBytes = 5;
  ctx.responseBytes = 512;
  return ctx;
}

const lines = (file: string): AccessLogLine[] =>
  readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as AccessLogLine);

describe("access log", () => {
  it("one JSON line per request with what an operator needs, and no query string, headers or cookies", async () => {
    const file = tempFile();
    const log = await createAccessLog({ target: file, sampling: 1, random: () => 0, now: () => Date.UTC(2025, 0, 2, 3, 4, 5, 678) });
    log.write(request(200), "", "");
    log.write(request(503), "upstream_5xx", "UNAVAILABLE");
    await log.close();
    const [ok, failed] = lines(file);
    expect(ok).toEqual({
      time: new Date(Date.UTC(2025, 0, 2, 3, 4, 5, 678) - 12.3456).toISOString(),
      traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
      traced: false,
      direction: "outbound",
      source: "productpage.default",
      sourceVersion: "v1",
      destination: "ratings.shop",
      destinationVersion: "v2",
      route: "default",
      method: "GET",
      path: "/books/7",
      status: 200,
      grpcStatus: "",
      durationMs: 12.346,
      bytesIn: 5,
      bytesOut: 512,
      upstream: "10.0.0.7:9080",
      attempts: 2,
      reason: null,
      decision: "retried",
    });
    expect(failed).toMatchObject({ status: 503, reason: "upstream_5xx", grpcStatus: "UNAVAILABLE" });
    expect(readFileSync(file, "utf8")).not.toContain("secret");
  });

  it("samples successes at the ratio, always logs failures", async () => {
    const file = tempFile();
    let i = 0;
    const draws = [0.1, 0.9, 0.2, 0.8];
    const log = await createAccessLog({ target: file, sampling: 0.5, random: () => draws[i++ % draws.length]!, now: () => 0 });
    for (let n = 0; n < 4; n++) log.write(request(200), "", "");
    for (let n = 0; n < 3; n++) log.write(request(503), "upstream_5xx", "");
    await log.close();
    const got = lines(file);
    expect(got.filter((l) => l.status === 200)).toHaveLength(2);
    expect(got.filter((l) => l.status === 503)).toHaveLength(3);
    expect(log.counters).toEqual({ written: 5, sampledOut: 2, dropped: 0 });
  });

  it("never buffers beyond its bound: lines the writer cannot take are dropped and counted", async () => {
    const file = tempFile();
    const log = await createAccessLog({ target: file, sampling: 1, random: () => 0, now: () => 0, maxBufferBytes: 2_000 });
    // Written in one synchronous burst: nothing reaches the file before the buffer is full.
    for (let n = 0; n < 100; n++) log.write(request(200), "", "");
    await log.close();
    const written = lines(file).length;
    expect(log.counters.dropped).toBeGreaterThan(0);
    expect(log.counters.written).toBe(written);
    expect(written + log.counters.dropped).toBe(100);
  });

  it("a file that cannot be opened fails at start, naming it", async () => {
    const file = tempFile();
    writeFileSync(join(file, ".."), "not a directory");
    await expect(createAccessLog({ target: file, sampling: 1, random: () => 0, now: () => 0 })).rejects.toThrow(`WEFT_ACCESS_LOG: cannot open ${file}`);
  });
});
