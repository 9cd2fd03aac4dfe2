// Exponential backoff with jitter for reconnecting streams (xDS, telemetry). Pure: the caller owns
// the timer. Delay n = random in [cap/2, cap] where cap = min(maxMs, baseMs * 2^n) ("equal jitter":
// never hammers the controller, never waits less than half the nominal delay).

export interface BackoffOptions {
  /** First delay's nominal value, ms (default 500). */
  baseMs?: number;
  /** Ceiling of the nominal delay, ms (default 30 000). */
  maxMs?: number;
  /** Uniform random in [0, 1); injectable for tests. */
  random?: () => number;
}

export interface Backoff {
  /** Delay before the next attempt, ms; each call grows the next nominal delay. */
  next(): number;
  /** Call once a connection proved healthy (e.g. received a response). */
  reset(): void;
  readonly attempts: number;
}

export function createBackoff(options: BackoffOptions = {}): Backoff {
  const baseMs = options.baseMs ?? 500;
  const maxMs = options.maxMs ?? 30_000;
  const random = options.random ?? Math.random;
  let attempts = 0;
  return {
    next() {
      const cap = Math.min(maxMs, baseMs * 2 ** Math.min(attempts, 30));
      attempts++;
      return Math.round(cap / 2 + random() * (cap / 2));
    },
    reset() {
      attempts = 0;
    },
    get attempts() {
      return attempts;
    },
  };
}
