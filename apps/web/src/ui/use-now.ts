"use client";
// The current time, re-read every `everyMs`, for "5 s ago" style labels.
import { useEffect, useState } from "react";

export function useNow(everyMs = 5_000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const id = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(id);
  }, [everyMs]);
  return now;
}
