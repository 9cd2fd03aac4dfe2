// How the console writes numbers and times: compact, unit-suffixed, and stable in width so live
// values do not make the layout twitch.

/** Requests per second: "0", "0.4", "12.3", "1.2k". */
export function formatRate(rps: number): string {
  if (!Number.isFinite(rps) || rps <= 0) return "0";
  if (rps < 10) return trimZero(rps.toFixed(1));
  if (rps < 1000) return trimZero(rps.toFixed(rps < 100 ? 1 : 0));
  return `${trimZero((rps / 1000).toFixed(1))}k`;
}

/** A ratio 0..1 as a percentage: "0%", "0.4%", "12%", "100%". */
export function formatPercent(ratio: number): string {
  if (!Number.isFinite(ratio) || ratio <= 0) return "0%";
  const pct = ratio * 100;
  if (pct < 0.1) return "<0.1%";
  if (pct < 10) return `${trimZero(pct.toFixed(1))}%`;
  return `${Math.round(pct)}%`;
}

/** A success ratio 0..1: "100%" from 99.95% up, two decimals above 99% ("99.25%"), else one ("87.5%"). */
export function formatSuccess(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return "—";
  if (ratio >= 0.9995) return "100%";
  const pct = Math.max(0, ratio) * 100;
  return `${pct.toFixed(pct >= 99 ? 2 : 1)}%`;
}

/** Milliseconds: "0.8 ms", "45 ms", "1.2 s"; "—" when unknown. */
export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return "—";
  if (ms < 1) return `${trimZero(ms.toFixed(1))} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${trimZero((ms / 1000).toFixed(1))} s`;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago" relative to `now` (ms). */
export function formatAgo(iso: string | null | undefined, now: number): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return "—";
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 5) return "just now";
  if (s < 60) return `${s} s ago`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h} h ago`;
  return `${Math.floor(h / 24)} d ago`;
}

/** A timestamp in the operator's locale, seconds included, e.g. "22 Nov 2025, 06:38:12". */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleString(undefined, { day: "2-digit", month: "short", year: "numeric", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

/** Compact timestamp for tables: "06:38:12" today, "21 Nov 06:38:12" otherwise (operator's locale). */
export function formatTime(iso: string, now: number = Date.now()): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = d.toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit", second: "2-digit" });
  if (new Date(now).toDateString() === d.toDateString()) return time;
  return `${d.toLocaleDateString(undefined, { day: "2-digit", month: "short" })} ${time}`;
}

function trimZero(s: string): string {
  return s.includes(".") ? s.replace(/\.?0+$/, "") : s;
}
