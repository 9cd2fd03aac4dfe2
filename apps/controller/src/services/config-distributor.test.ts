import { describe, expect, it } from "vitest";
import { createFakeClock } from "@weft/test-kit";
import type { MeshRepository } from "../ports/mesh-repository";
import { createChangeFeed } from "./change-feed";
import { createConfigDistributor } from "./config-distributor";

function fakeRepo() {
  let revision = 0;
  let loads = 0;
  const repo = {
    loadState: async () => {
      loads++;
      return { revision, services: [] };
    },
    fingerprint: async () => String(revision),
  } as unknown as MeshRepository;
  return { repo, bump: () => revision++, loads: () => loads };
}
const log = { info() {}, error() {} };

describe("config distributor", () => {
  it("rebuilds on a local change and coalesces a burst into at most two rebuilds", async () => {
    const clock = createFakeClock();
    const r = fakeRepo();
    const feed = createChangeFeed();
    const d = createConfigDistributor({ repo: r.repo, feed, clock, log });
    await d.start();
    const seen: number[] = [];
    d.subscribe((s) => seen.push(s.revision));
    for (let i = 0; i < 10; i++) {
      r.bump();
      feed.notify("commit");
    }
    await d.settled();
    await d.settled();
    expect(r.loads()).toBeLessThanOrEqual(3);
    expect(seen.at(-1)).toBe(10);
    d.stop();
  });

  it("notices changes made by another replica through the fingerprint poll", async () => {
    const clock = createFakeClock();
    const r = fakeRepo();
    const d = createConfigDistributor({ repo: r.repo, feed: createChangeFeed(), clock, log, pollMs: 1000 });
    await d.start();
    r.bump();
    expect(d.current().revision).toBe(0);
    clock.advance(1000);
    await new Promise((resolve) => setImmediate(resolve));
    await d.settled();
    expect(d.current().revision).toBe(1);
    d.stop();
  });

  it("settles only after a fingerprint poll under way", async () => {
    const clock = createFakeClock();
    let release: (() => void) | undefined;
    let polls = 0;
    const repo = {
      loadState: async () => ({ revision: 0, services: [] }),
      fingerprint: () => (polls++ === 0 ? Promise.resolve("0") : new Promise<string>((resolve) => (release = () => resolve("0")))),
    } as unknown as MeshRepository;
    const d = createConfigDistributor({ repo, feed: createChangeFeed(), clock, log, pollMs: 1000 });
    await d.start();
    clock.advance(1000);
    d.stop();
    let settled = false;
    const done = d.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release!();
    await done;
    expect(settled).toBe(true);
    expect(clock.pending()).toBe(0);
  });
});
