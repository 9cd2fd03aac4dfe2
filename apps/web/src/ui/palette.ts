// Colours that identify a service's versions everywhere (split bars, sliders, graph labels):
// a version keeps its colour by its position in the service's version list.
const VERSION_COLORS = ["var(--v0)", "var(--v1)", "var(--v2)", "var(--v3)", "var(--v4)", "var(--v5)", "var(--v6)", "var(--v7)"] as const;

export function versionColor(index: number): string {
  return VERSION_COLORS[((index % VERSION_COLORS.length) + VERSION_COLORS.length) % VERSION_COLORS.length]!;
}

/** Colour of `version` within `versions` (sorted by name so every page agrees). */
export function colorOfVersion(versions: readonly string[], version: string): string {
  const sorted = [...versions].sort();
  const i = sorted.indexOf(version);
  return i < 0 ? "var(--faint)" : versionColor(i);
}
