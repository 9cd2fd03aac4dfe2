// Time for timer-driven logic (xDS backoff, telemetry intervals). Tests inject a fake clock
// (@weft/test-kit createFakeClock) so no test sleeps; request latency uses performance.now() instead.

export interface Clock {
  /** Wall-clock milliseconds (Unix epoch). */
  now(): number;
  setTimeout(fn: () => void, ms: number): { cancel(): void };
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout(fn, ms) {
    const handle = setTimeout(fn, ms);
    return { cancel: () => clearTimeout(handle) };
  },
};
