// Retry budget of one cluster, Linkerd-style: over a sliding 10 s window, retries may be at most
// `ratio` of the requests plus `minPerSecond` per second. Counted in 1 s buckets on the injected
// clock, so the window slides without timers. State survives config swaps.
import type { RetryBudget } from "../core/traffic-policy";

export const BUDGET_WINDOW_MS = 10_000;
const BUCKET_MS = 1_000;
const BUCKETS = BUDGET_WINDOW_MS / BUCKET_MS;

export class RetryBudgetWindow {
  private readonly requests = new Float64Array(BUCKETS);
  private readonly retries = new Float64Array(BUCKETS);
  /** Absolute bucket number (clock ms / 1000) of the newest bucket. */
  private head = -1;

  private advance(nowMs: number): number {
    const bucket = Math.floor(nowMs / BUCKET_MS);
    if (this.head === -1 || bucket - this.head >= BUCKETS) {
      this.requests.fill(0);
      this.retries.fill(0);
    } else {
      for (let b = this.head + 1; b <= bucket; b++) {
        this.requests[b % BUCKETS] = 0;
        this.retries[b % BUCKETS] = 0;
      }
    }
    if (bucket > this.head) this.head = bucket;
    return this.head % BUCKETS;
  }

  /** Counts one original request (not a retry). */
  recordRequest(nowMs: number): void {
    this.requests[this.advance(nowMs)]!++;
  }

  /** Whether one more retry fits the budget; if so, it is counted. */
  tryWithdraw(budget: RetryBudget, nowMs: number): boolean {
    const i = this.advance(nowMs);
    let requests = 0;
    let retries = 0;
    for (let b = 0; b < BUCKETS; b++) {
      requests += this.requests[b]!;
      retries += this.retries[b]!;
    }
    const allowed = budget.ratio * requests + budget.minPerSecond * (BUDGET_WINDOW_MS / 1000);
    if (retries + 1 > allowed) return false;
    this.retries[i]!++;
    return true;
  }
}
