// The split editor's model: a draft of one weight per version, validated exactly like the API
// (whole percentages 0–100 summing to 100, see BackendsSchema in @weft/contracts), presets, and
// the conversion to the `backends` that splits.set takes. Pure; no React.
import { isCatchAllMatch, type Backend, type Route } from "@weft/contracts";

/** One editable row: the text the operator typed, so "" and "4." can be shown while typing. */
export interface DraftRow {
  version: string;
  text: string;
}

export interface SplitValidation {
  valid: boolean;
  /** Sum of the rows that parse; invalid rows count as 0. */
  total: number;
  /** Per-version message, worded like the API's ("must be a whole number"). */
  rowErrors: Record<string, string>;
  /** Whole-split message, e.g. "weights must sum to 100 (they sum to 90)". */
  totalError: string | null;
}

/** A route matching every request (the controller's own definition, from the contracts). */
export function isCatchAll(route: Pick<Route, "match">): boolean {
  return isCatchAllMatch(route.match);
}

/** The route splits.set edits when no routeId is given: the last catch-all route, if any. */
export function findCatchAll<R extends Pick<Route, "match">>(routes: readonly R[]): R | undefined {
  return [...routes].reverse().find(isCatchAll);
}

/** Parses one weight; returns the number or the API's message for it. */
export function parseWeight(text: string): { weight: number } | { error: string } {
  const t = text.trim();
  if (t === "") return { error: "enter a weight from 0 to 100" };
  const n = Number(t);
  if (!Number.isFinite(n)) return { error: "must be a number" };
  if (!Number.isInteger(n)) return { error: "must be a whole number" };
  if (n < 0) return { error: "must not be negative" };
  if (n > 100) return { error: "must be at most 100" };
  return { weight: n };
}

export function validateSplit(rows: readonly DraftRow[]): SplitValidation {
  const rowErrors: Record<string, string> = {};
  let total = 0;
  for (const row of rows) {
    const parsed = parseWeight(row.text);
    if ("error" in parsed) rowErrors[row.version] = parsed.error;
    else total += parsed.weight;
  }
  const rowsValid = Object.keys(rowErrors).length === 0;
  let totalError: string | null = null;
  if (rows.length === 0) totalError = "this service has no versions to split traffic across; add a version first";
  else if (rowsValid && total !== 100) totalError = `weights must sum to 100 (they sum to ${total})`;
  return { valid: rowsValid && totalError === null, total, rowErrors, totalError };
}

/** Spreads 100 over n rows as evenly as whole numbers allow (remainder to the first rows). */
export function evenWeights(n: number): number[] {
  if (n <= 0) return [];
  const base = Math.floor(100 / n);
  return Array.from({ length: n }, (_, i) => base + (i < 100 - base * n ? 1 : 0));
}

/**
 * The draft for a service: one row per version (in the service's order) with the current weight of
 * the catch-all route; versions not in the split get 0. With no split yet ("all versions"), the
 * draft starts even, which is what the operator is about to change.
 */
export function draftFrom(versions: readonly string[], backends: readonly Backend[] | undefined): DraftRow[] {
  if (!backends || backends.length === 0) {
    const even = evenWeights(versions.length);
    return versions.map((version, i) => ({ version, text: String(even[i]) }));
  }
  const byVersion = new Map(backends.map((b) => [b.version, b.weight]));
  return versions.map((version) => ({ version, text: String(byVersion.get(version) ?? 0) }));
}

export function setWeight(rows: readonly DraftRow[], version: string, text: string): DraftRow[] {
  return rows.map((r) => (r.version === version ? { ...r, text } : r));
}

/** The `backends` for splits.set. Zero-weight versions are left out so they stay removable. */
export function toBackends(rows: readonly DraftRow[]): Backend[] {
  const out: Backend[] = [];
  for (const row of rows) {
    const parsed = parseWeight(row.text);
    if ("weight" in parsed && parsed.weight > 0) out.push({ version: row.version, weight: parsed.weight });
  }
  return out;
}

/** True when applying the draft would change the live split. */
export function isDirty(rows: readonly DraftRow[], live: readonly Backend[] | undefined): boolean {
  const draft = toBackends(rows);
  const current = (live ?? []).filter((b) => b.weight > 0);
  if (draft.length !== current.length) return true;
  const byVersion = new Map(current.map((b) => [b.version, b.weight]));
  return draft.some((b) => byVersion.get(b.version) !== b.weight);
}

export interface Preset {
  label: string;
  /** Spelled out for the tooltip and screen readers, e.g. "v1 90%, v2 10%". */
  title: string;
  weights: number[];
}

const preset = (versions: readonly string[], label: string, weights: number[]): Preset => ({
  label,
  title: versions.map((v, i) => `${v} ${weights[i] ?? 0}%`).join(", "),
  weights,
});

/** Quick splits: 100/0, 90/10 (canary), 50/50, 0/100 for two versions; all-to-one and even otherwise. */
export function presetsFor(versions: readonly string[]): Preset[] {
  if (versions.length === 0) return [];
  if (versions.length === 1) return [preset(versions, "100%", [100])];
  if (versions.length === 2) {
    return [
      preset(versions, "100 / 0", [100, 0]),
      preset(versions, "90 / 10", [90, 10]),
      preset(versions, "50 / 50", [50, 50]),
      preset(versions, "0 / 100", [0, 100]),
    ];
  }
  const presets = versions.map((v, i) => preset(versions, `all ${v}`, versions.map((_, j) => (j === i ? 100 : 0))));
  presets.push(preset(versions, "even", evenWeights(versions.length)));
  return presets;
}

export function applyPreset(rows: readonly DraftRow[], preset: Preset): DraftRow[] {
  return rows.map((r, i) => ({ ...r, text: String(preset.weights[i] ?? 0) }));
}

/** Human summary, as the revision log words it: "v1 80% / v2 20%", or "all versions". */
export function describeBackends(backends: readonly Backend[]): string {
  const live = backends.filter((b) => b.weight > 0);
  if (live.length === 0) return "all versions";
  return live.map((b) => `${b.version} ${b.weight}%`).join(" / ");
}

/** The slider's position for a row: its weight when it parses, clamped to 0–100, else 0. */
export function sliderValue(text: string): number {
  const n = Number(text.trim());
  if (!Number.isFinite(n) || text.trim() === "") return 0;
  return Math.max(0, Math.min(100, Math.round(n)));
}
