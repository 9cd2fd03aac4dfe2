// Before/after of a revision as pretty JSON, with the lines that differ marked on each side
// (longest common subsequence over lines). Pure.

export interface DiffLine {
  text: string;
  changed: boolean;
}

export interface JsonDiff {
  /** null when the resource did not exist on that side (created / removed). */
  before: DiffLine[] | null;
  after: DiffLine[] | null;
}

/** Past this many lines per side, lines are shown without marks (the LCS table grows as n×m). */
const MAX_LINES = 1500;

export function prettyJson(value: unknown): string[] {
  return JSON.stringify(value, null, 2).split("\n");
}

export function jsonDiff(before: unknown, after: unknown): JsonDiff {
  const a = before === null || before === undefined ? null : prettyJson(before);
  const b = after === null || after === undefined ? null : prettyJson(after);
  if (!a || !b) {
    return { before: a?.map((text) => ({ text, changed: true })) ?? null, after: b?.map((text) => ({ text, changed: true })) ?? null };
  }
  if (a.length > MAX_LINES || b.length > MAX_LINES) {
    return { before: a.map((text) => ({ text, changed: false })), after: b.map((text) => ({ text, changed: false })) };
  }
  // lcs[i][j] = LCS length of a[i:] and b[j:].
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const keepA = new Array<boolean>(a.length).fill(false);
  const keepB = new Array<boolean>(b.length).fill(false);
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      keepA[i++] = true;
      keepB[j++] = true;
    } else if (lcs[i + 1]![j]! >= lcs[i]![j + 1]!) i++;
    else j++;
  }
  return {
    before: a.map((text, k) => ({ text, changed: !keepA[k] })),
    after: b.map((text, k) => ({ text, changed: !keepB[k] })),
  };
}
