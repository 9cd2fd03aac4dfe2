"use client";
// The page's chosen time window, mirrored into its URL (`?window=1h`) without a navigation, so a
// copied link opens the same view. The default window is left out of the URL.
import type { TimeWindow } from "@weft/contracts";
import { useCallback, useState } from "react";
import { withWindowParam } from "./time-window";

export function useUrlWindow(initial: TimeWindow, fallback: TimeWindow): [TimeWindow, (w: TimeWindow) => void] {
  const [current, setCurrent] = useState<TimeWindow>(initial);
  const choose = useCallback(
    (w: TimeWindow) => {
      setCurrent(w);
      window.history.replaceState(window.history.state, "", `${window.location.pathname}${withWindowParam(window.location.search, w, fallback)}`);
    },
    [fallback],
  );
  return [current, choose];
}
