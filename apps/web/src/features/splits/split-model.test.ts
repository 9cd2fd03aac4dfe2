import { describe, expect, it } from "vitest";
import { BackendsSchema, type Route } from "@weft/contracts";
import {
  applyPreset,
  describeBackends,
  draftFrom,
  evenWeights,
  findCatchAll,
  isCatchAll,
  isDirty,
  parseWeight,
  presetsFor,
  setWeight,
  sliderValue,
  toBackends,
  validateSplit,
  type DraftRow,
} from "./split-model";

const rows = (...pairs: Array<[string, string]>): DraftRow[] => pairs.map(([version, text]) => ({ version, text }));

describe("parseWeight", () => {
  it("accepts whole percentages 0..100", () => {
    expect(parseWeight("0")).toEqual({ weight: 0 });
    expect(parseWeight(" 42 ")).toEqual({ weight: 42 });
    expect(parseWeight("100")).toEqual({ weight: 100 });
  });
  it("words refusals like the API", () => {
    expect(parseWeight("")).toEqual({ error: "enter a weight from 0 to 100" });
    expect(parseWeight("abc")).toEqual({ error: "must be a number" });
    expect(parseWeight("12.5")).toEqual({ error: "must be a whole number" });
    expect(parseWeight("-5")).toEqual({ error: "must not be negative" });
    expect(parseWeight("101")).toEqual({ error: "must be at most 100" });
  });
});

describe("validateSplit", () => {
  it("is valid when whole weights sum to 100", () => {
    expect(validateSplit(rows(["v1", "80"], ["v2", "20"]))).toEqual({ valid: true, total: 100, rowErrors: {}, totalError: null });
  });
  it("reports the sum with the API's message", () => {
    const v = validateSplit(rows(["v1", "70"], ["v2", "20"]));
    expect(v.valid).toBe(false);
    expect(v.total).toBe(90);
    expect(v.totalError).toBe("weights must sum to 100 (they sum to 90)");
  });
  it("names the offending row and does not add a sum message on top", () => {
    const v = validateSplit(rows(["v1", "110"], ["v2", "-10"]));
    expect(v.valid).toBe(false);
    expect(v.rowErrors).toEqual({ v1: "must be at most 100", v2: "must not be negative" });
    expect(v.totalError).toBeNull();
  });
  it("refuses an empty split", () => {
    expect(validateSplit([]).valid).toBe(false);
  });
  it("agrees with the API's schema on every case it accepts or refuses", () => {
    const cases = [
      rows(["v1", "100"], ["v2", "0"]),
      rows(["v1", "50"], ["v2", "50"]),
      rows(["v1", "50"], ["v2", "49"]),
      rows(["v1", "33"], ["v2", "33"], ["v3", "34"]),
      rows(["v1", "101"], ["v2", "-1"]),
      rows(["v1", "50.5"], ["v2", "49.5"]),
    ];
    for (const c of cases) {
      const api = BackendsSchema.safeParse(c.map((r) => ({ version: r.version, weight: Number(r.text) })));
      expect(validateSplit(c).valid, JSON.stringify(c)).toBe(api.success);
    }
  });
});

describe("draftFrom", () => {
  it("takes live weights and gives 0 to versions outside the split", () => {
    expect(draftFrom(["v1", "v2", "v3"], [{ version: "v2", weight: 100 }])).toEqual(rows(["v1", "0"], ["v2", "100"], ["v3", "0"]));
  });
  it("starts even when there is no split yet", () => {
    expect(draftFrom(["v1", "v2", "v3"], [])).toEqual(rows(["v1", "34"], ["v2", "33"], ["v3", "33"]));
    expect(draftFrom(["v1"], undefined)).toEqual(rows(["v1", "100"]));
  });
});

describe("evenWeights", () => {
  it("always sums to 100", () => {
    for (let n = 1; n <= 16; n++) expect(evenWeights(n).reduce((a, b) => a + b, 0)).toBe(100);
    expect(evenWeights(0)).toEqual([]);
  });
});

describe("toBackends / isDirty", () => {
  it("drops zero weights so unused versions stay removable", () => {
    expect(toBackends(rows(["v1", "0"], ["v2", "100"]))).toEqual([{ version: "v2", weight: 100 }]);
  });
  it("compares with the live split ignoring zero entries and order", () => {
    const live = [{ version: "v2", weight: 20 }, { version: "v1", weight: 80 }, { version: "v3", weight: 0 }];
    expect(isDirty(rows(["v1", "80"], ["v2", "20"], ["v3", "0"]), live)).toBe(false);
    expect(isDirty(rows(["v1", "70"], ["v2", "30"], ["v3", "0"]), live)).toBe(true);
    expect(isDirty(rows(["v1", "50"], ["v2", "50"]), [])).toBe(true);
  });
});

describe("presets", () => {
  it("offers 100/0, 50/50 and 0/100 for two versions", () => {
    const p = presetsFor(["v1", "v2"]);
    expect(p.map((x) => x.weights)).toEqual([[100, 0], [90, 10], [50, 50], [0, 100]]);
    expect(p[1]!.title).toBe("v1 90%, v2 10%");
    expect(applyPreset(rows(["v1", "3"], ["v2", "x"]), p[3]!)).toEqual(rows(["v1", "0"], ["v2", "100"]));
  });
  it("offers all-to-one and even for three or more", () => {
    const p = presetsFor(["a", "b", "c"]);
    expect(p.map((x) => x.label)).toEqual(["all a", "all b", "all c", "even"]);
    for (const x of p) expect(validateSplit(applyPreset(rows(["a", ""], ["b", ""], ["c", ""]), x)).valid).toBe(true);
  });
});

describe("helpers", () => {
  it("finds the last catch-all route", () => {
    const route = (name: string, prefix: string, headers = 0) =>
      ({ name, match: { path: { type: "prefix", value: prefix }, headers: Array.from({ length: headers }, () => ({ name: "x", type: "present", invert: false })) } }) as unknown as Route;
    expect(findCatchAll([route("api", "/api"), route("canary", "/", 1), route("default", "/")])?.name).toBe("default");
    expect(findCatchAll([route("api", "/api")])).toBeUndefined();
  });
  it("edits one row, describes a split, and clamps the slider", () => {
    expect(setWeight(rows(["v1", "1"], ["v2", "2"]), "v2", "9")).toEqual(rows(["v1", "1"], ["v2", "9"]));
    expect(describeBackends([{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }])).toBe("v1 80% / v2 20%");
    expect(describeBackends([])).toBe("all versions");
    expect(sliderValue("150")).toBe(100);
    expect(sliderValue("-3")).toBe(0);
    expect(sliderValue("")).toBe(0);
  });
});

describe("isCatchAll with the richer matches", () => {
  it("is not fooled by a prefix-/ route that only matches some methods, hosts or query parameters", () => {
    const base = { path: { type: "prefix" as const, value: "/" }, headers: [] };
    expect(isCatchAll({ match: base })).toBe(true);
    expect(isCatchAll({ match: { ...base, methods: ["GET" as const] } })).toBe(false);
    expect(isCatchAll({ match: { ...base, authority: { type: "exact" as const, value: "a" } } })).toBe(false);
    expect(isCatchAll({ match: { ...base, queryParams: [{ name: "q", type: "present" as const }] } })).toBe(false);
  });
});
