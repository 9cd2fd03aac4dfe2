import { describe, expect, it } from "vitest";
import { CHART_WINDOWS, GRAPH_WINDOWS, windowFromParam, windowOption, withWindowParam } from "./time-window";

describe("time windows", () => {
  it("reads the window from the URL only when the page offers it", () => {
    expect(windowFromParam("1h", GRAPH_WINDOWS, "live")).toBe("1h");
    expect(windowFromParam(null, GRAPH_WINDOWS, "live")).toBe("live");
    expect(windowFromParam("2h", GRAPH_WINDOWS, "live")).toBe("live");
    // Charts have no live window: a graph link with ?window=live falls back.
    expect(windowFromParam("live", CHART_WINDOWS, "5m")).toBe("5m");
  });

  it("writes the window into the query string, leaving the default out", () => {
    expect(withWindowParam("", "1h", "live")).toBe("?window=1h");
    expect(withWindowParam("?window=1h&service=a", "live", "live")).toBe("?service=a");
    expect(withWindowParam("?window=1h", "live", "live")).toBe("");
  });

  it("names each window in a sentence", () => {
    expect(windowOption("live").phrase).toBe("the last 10 s");
    expect(windowOption("7d").label).toBe("7 days");
  });
});
