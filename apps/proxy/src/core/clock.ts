// Time for timer-driven logic (xDS backoff, telemetry intervals). Tests inject a fake clock
// (@weft/test-kit createFakeClock) so no test sleeps; request latency uses performance.now() instead.

export interface Clock {
  /** Wall-clock milliseconds (Unix epoch). */
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

/** The longest delay Node's setTimeout holds (~24.8 days); a longer one would fire after 1 ms. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    if (ms <= MAX_TIMER_MS) {
      const handle = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(handle) };
    }
    // Longer (a 30-day route timeout or gRPC deadline): in steps, so it fires when due, not at once.
    const due = Date.now() + ms;
    let handle: ReturnType<typeof setTimeout>;
    const step = () => {
      const left = due - Date.now();
      handle = left > MAX_TIMER_MS ? setTimeout(step, MAX_TIMER_MS) : setTimeout(fn, left);
    };
    step();
    return { cancel: () => clearTimeout(handle) };
  },
};
