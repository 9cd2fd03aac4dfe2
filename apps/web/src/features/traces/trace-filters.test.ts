import { describe, expect, it } from "vitest";
import { TraceSearchInput } from "@weft/contracts";
import { DEFAULT_TRACE_FILTERS, filtersFromParams, filtersToParams, isFiltered, parseMinDuration, toSearchInput } from "./trace-filters";

describe("trace filters", () => {
  it("round-trips through the URL, leaving defaults out", () => {
    const f = { service: "catalog.default", status: "error" as const, minDurationMs: 50, window: "24h" as const };
    expect(filtersToParams(f)).toBe("?service=catalog.default&status=error&min=50&window=24h");
    expect(filtersFromParams(new URLSearchParams(filtersToParams(f)))).toEqual({ filters: f, problems: [] });
    expect(filtersToParams(DEFAULT_TRACE_FILTERS)).toBe("");
  });

  it("drops bad values from a hand-edited URL and names the field", () => {
    const { filters, problems } = filtersFromParams(new URLSearchParams("status=broken&min=-3&window=2h"));
    expect(filters).toEqual(DEFAULT_TRACE_FILTERS);
    expect(problems).toEqual(["min duration: must be a number of milliseconds, 0 or more", 'status: must be any, ok or error (got "broken")']);
  });

  it("parses the minimum duration field", () => {
    expect(parseMinDuration(" ")).toEqual({ ok: true, value: null });
    expect(parseMinDuration("12.5")).toEqual({ ok: true, value: 12.5 });
    expect(parseMinDuration("fast")).toMatchObject({ ok: false });
  });

  it("builds an input the API accepts, and knows when the view is narrowed", () => {
    expect(TraceSearchInput.parse(toSearchInput(DEFAULT_TRACE_FILTERS))).toEqual({ status: "any", window: "1h", limit: 50 });
    const narrowed = { ...DEFAULT_TRACE_FILTERS, service: "reviews.default", minDurationMs: 0 };
    expect(TraceSearchInput.parse(toSearchInput(narrowed, 20))).toEqual({ service: "reviews.default", status: "any", minDurationMs: 0, window: "1h", limit: 20 });
    expect(isFiltered(DEFAULT_TRACE_FILTERS)).toBe(false);
    expect(isFiltered(narrowed)).toBe(true);
  });
});
