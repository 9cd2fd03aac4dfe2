import { describe, expect, it } from "vitest";
import { createFakeClock } from "@weft/test-kit";
import type { MeshRepository } from "../ports/mesh-repository";
import { createChangeFeed } from "./change-feed";
import { createSidecarRegistry, HEARTBEAT_MS } from "./sidecar-registry";

/** A repository whose endpoint writes finish only when the test says so. */
function slowRepo() {
  const pending: Array<() => void> = [];
  const later = <T>(value: T) => new Promise<T>((resolve) => pending.push(() => resolve(value)));
  const repo = {
    endpoints: {
      markProxyGone: () => later(1),
      touchProxies: () => later(undefined),
      markStaleUnhealthy: async () => 0,
      deleteStaleSidecarEndpoints: async () => 0,
    },
  } as unknown as MeshRepository;
  return { repo, release: () => pending.splice(0).forEach((f) => f()), waiting: () => pending.length };
}

const log = { info() {}, error() {} };
const meta = { register: false } as never;

describe("sidecar registry shutdown", () => {
  it("settles only after the endpoint write a disconnection started", async () => {
    const r = slowRepo();
    const reg = createSidecarRegistry({ repo: r.repo, feed: createChangeFeed(), clock: createFakeClock(), log, graceMs: 0 });
    await reg.connected("n1", meta);
    void reg.disconnected("n1");
    let settled = false;
    const done = reg.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.waiting()).toBe(1);
    expect(settled).toBe(false);
    r.release();
    await done;
    expect(settled).toBe(true);
  });

  it("settles only after a heartbeat sweep under way, and schedules none once stopped", async () => {
    const clock = createFakeClock();
    const r = slowRepo();
    const reg = createSidecarRegistry({ repo: r.repo, feed: createChangeFeed(), clock, log, graceMs: 0 });
    reg.start();
    clock.advance(HEARTBEAT_MS);
    reg.stop();
    let settled = false;
    const done = reg.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    r.release();
    await done;
    expect(clock.pending()).toBe(0);
  });
});
