// Retry backoff as Envoy does it: fully jittered exponential, retry n (1-based) waits a uniform
// random time in [0, min(max, base * (2^n - 1))) ms (25 ms base: 0-25, 0-75, 0-175 ms ...).
export function retryBackoffMs(retry: number, baseMs: number, maxMs: number, random: () => number): number {
  const ceiling = Math.min(maxMs, baseMs * (2 ** Math.min(retry, 30) - 1));
  return Math.floor(random() * ceiling);
}
