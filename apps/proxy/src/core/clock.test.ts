import { afterEach, describe, expect, it, vi } from "vitest";
import { MAX_TIMER_MS, systemClock } from "./clock";

describe("systemClock", () => {
  afterEach(() => vi.useRealTimers());

  it("fires a timer longer than setTimeout can hold when it is due, not after 1 ms", () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    const thirtyDays = 30 * 24 * 3600 * 1000;
    systemClock.setTimeout(() => fired.push("30 days"), thirtyDays);
    const cancelled = systemClock.setTimeout(() => fired.push("cancelled"), thirtyDays);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(MAX_TIMER_MS);
    cancelled.cancel();
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(thirtyDays - MAX_TIMER_MS - 2);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(fired).toEqual(["30 days"]);
  });
});
