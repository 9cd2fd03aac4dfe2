// The time windows the console offers (graph, service charts, trace search), how each is named on
// screen, and how the choice travels in the page URL (`?window=1h`) so a link shows the same view.
import { TimeWindowSchema, WINDOW_SECONDS, type TimeWindow } from "@weft/contracts";

export interface WindowOption {
  value: TimeWindow;
  /** Short label for the selector: "Live", "5 min". */
  label: string;
  /** The window in a sentence: "the last 10 s", "the last 24 hours". */
  phrase: string;
}

const OPTIONS: Record<TimeWindow, WindowOption> = {
  live: { value: "live", label: "Live", phrase: `the last ${WINDOW_SECONDS.live} s` },
  "5m": { value: "5m", label: "5 min", phrase: "the last 5 minutes" },
  "1h": { value: "1h", label: "1 hour", phrase: "the last hour" },
  "24h": { value: "24h", label: "24 hours", phrase: "the last 24 hours" },
  "7d": { value: "7d", label: "7 days", phrase: "the last 7 days" },
};

/** The graph's selector: live first (streamed every second), then history. */
export const GRAPH_WINDOWS: readonly WindowOption[] = [OPTIONS.live, OPTIONS["5m"], OPTIONS["1h"], OPTIONS["24h"], OPTIONS["7d"]];
/** Charts need more than ten points to say anything, so the service page starts at 5 minutes. */
export const CHART_WINDOWS: readonly WindowOption[] = [OPTIONS["5m"], OPTIONS["1h"], OPTIONS["24h"], OPTIONS["7d"]];

export function windowOption(w: TimeWindow): WindowOption {
  return OPTIONS[w];
}

/** The window named by a URL's `window` parameter, when it is one of `allowed`; otherwise `fallback`. */
export function windowFromParam(param: string | null | undefined, allowed: readonly WindowOption[], fallback: TimeWindow): TimeWindow {
  const parsed = TimeWindowSchema.safeParse(param);
  return parsed.success && allowed.some((o) => o.value === parsed.data) ? parsed.data : fallback;
}

/** The page's query string with `window` set (the default is left out, so plain URLs stay plain). */
export function withWindowParam(search: string, w: TimeWindow, fallback: TimeWindow): string {
  const params = new URLSearchParams(search);
  if (w === fallback) params.delete("window");
  else params.set("window", w);
  const s = params.toString();
  return s ? `?${s}` : "";
}
