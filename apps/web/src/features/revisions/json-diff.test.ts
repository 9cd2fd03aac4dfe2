import { describe, expect, it } from "vitest";
import { jsonDiff } from "./json-diff";

const changed = (lines: { text: string; changed: boolean }[] | null) => (lines ?? []).filter((l) => l.changed).map((l) => l.text.trim());

describe("jsonDiff", () => {
  it("marks only the lines that differ", () => {
    const before = { name: "default", backends: [{ version: "v1", weight: 100 }] };
    const after = { name: "default", backends: [{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }] };
    const d = jsonDiff(before, after);
    expect(changed(d.before)).toEqual(['"weight": 100']);
    expect(changed(d.after)).toEqual(['"weight": 80', "},", "{", '"version": "v2",', '"weight": 20']);
    expect(d.before!.some((l) => l.text.includes('"name": "default"') && !l.changed)).toBe(true);
  });

  it("has no side for a created or removed resource", () => {
    expect(jsonDiff(null, { a: 1 })).toEqual({ before: null, after: [{ text: "{", changed: true }, { text: '  "a": 1', changed: true }, { text: "}", changed: true }] });
    expect(jsonDiff({ a: 1 }, null).after).toBeNull();
  });

  it("marks nothing when equal", () => {
    const d = jsonDiff({ a: [1, 2] }, { a: [1, 2] });
    expect(changed(d.before)).toEqual([]);
    expect(changed(d.after)).toEqual([]);
  });
});
