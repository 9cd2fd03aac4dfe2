import { describe, expect, it } from "vitest";
import type { ServiceGraph } from "@weft/contracts";
import { feedState, graphOfEvent } from "./graph-feed";

const g: ServiceGraph = { windowSeconds: 10, generatedAt: "2025-01-01T00:00:00Z", nodes: [], edges: [], reportingProxies: 0 };

describe("graphOfEvent", () => {
  it("unwraps tracked events and passes plain graphs through", () => {
    expect(graphOfEvent({ id: "42", data: g })).toBe(g);
    expect(graphOfEvent(g)).toBe(g);
  });
  it("ignores anything that is not a graph", () => {
    expect(graphOfEvent(null)).toBeNull();
    expect(graphOfEvent({ id: "1", data: { hello: 1 } })).toBeNull();
    expect(graphOfEvent("graph")).toBeNull();
  });
});

describe("feedState", () => {
  const now = 100_000;
  it("is live while updates keep coming, stale once they stop or the stream failed", () => {
    expect(feedState({ live: true, lastUpdateMs: null, now, failed: false })).toBe("connecting");
    expect(feedState({ live: true, lastUpdateMs: now - 1_000, now, failed: false })).toBe("live");
    expect(feedState({ live: true, lastUpdateMs: now - 6_000, now, failed: false })).toBe("stale");
    expect(feedState({ live: true, lastUpdateMs: now - 1_000, now, failed: true })).toBe("stale");
    expect(feedState({ live: true, lastUpdateMs: null, now, failed: true })).toBe("stale");
  });
  it("is history for past windows", () => {
    expect(feedState({ live: false, lastUpdateMs: null, now, failed: false })).toBe("history");
  });
});
