// Circuit breaking state of one cluster (Envoy thresholds, priority DEFAULT): concurrent requests
// above max_requests are refused at once; above max_connections (HTTP/1.1: one request per
// connection) attempts wait in a FIFO of at most max_pending_requests, beyond which they are
// refused; concurrent retries are counted for max_retries. State survives config swaps.
import type { CircuitBreakerLimits } from "../core/traffic-policy";

interface Waiter {
  resolve(): void;
  reject(err: unknown): void;
}

export type AdmitResult = "admitted" | "queued" | "max_requests" | "pending_overflow";

export class CircuitBreaker {
  /** Attempts in flight upstream. */
  active = 0;
  /** Retries in flight (attempts after the first). */
  retries = 0;
  private readonly queue: Waiter[] = [];

  get pending(): number {
    return this.queue.length;
  }

  /** Takes a slot now ("admitted"), or says why not; "queued" means call `wait()` next. */
  tryAdmit(limits: CircuitBreakerLimits): AdmitResult {
    if (this.active >= limits.maxRequests) return "max_requests";
    if (this.active < limits.maxConnections && this.queue.length === 0) {
      this.active++;
      return "admitted";
    }
    if (this.queue.length >= limits.maxPendingRequests) return "pending_overflow";
    return "queued";
  }

  /** Waits for a slot (after tryAdmit said "queued"); rejects with `abortReason` if `signal` aborts first. */
  wait(signal: AbortSignal | undefined, abortReason: () => unknown): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject };
      this.queue.push(waiter);
      if (signal !== undefined) {
        const onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i !== -1) this.queue.splice(i, 1);
          reject(abortReason());
        };
        if (signal.aborted) onAbort();
        else {
          signal.addEventListener("abort", onAbort, { once: true });
          waiter.resolve = () => {
            signal.removeEventListener("abort", onAbort);
            resolve();
          };
        }
      }
    });
  }

  /** Frees the slot of a finished attempt and hands it to the oldest waiter, if the limits allow. */
  release(limits: CircuitBreakerLimits): void {
    this.active--;
    while (this.queue.length > 0 && this.active < limits.maxConnections && this.active < limits.maxRequests) {
      this.active++;
      this.queue.shift()!.resolve();
    }
  }
}
