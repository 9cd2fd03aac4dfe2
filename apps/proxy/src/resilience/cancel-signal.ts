// A cheap cancellation signal for request deadlines: Node's AbortController costs ~5 µs to create,
// too much for one per request, so timeouts use this object, which behaves as an AbortSignal for
// its consumers (the upstream pools' `signal`, the breaker queue, backoff sleeps): `aborted`, `reason`,
// `throwIfAborted()`, add/removeEventListener("abort"). A child follows its parent's abort.
type Listener = (event: { type: "abort" }) => void;

const ABORT_EVENT = Object.freeze({ type: "abort" as const });

export class CancelSignal {
  aborted = false;
  reason: unknown = undefined;
  onabort: Listener | null = null;
  private listeners: Listener[] | undefined = undefined;

  addEventListener(type: string, listener: Listener, options?: { once?: boolean }): void {
    void options; // listeners run once at most anyway: a signal aborts once
    if (type !== "abort") return;
    (this.listeners ??= []).push(listener);
  }

  removeEventListener(type: string, listener: Listener): void {
    if (type !== "abort" || this.listeners === undefined) return;
    const i = this.listeners.indexOf(listener);
    if (i !== -1) this.listeners.splice(i, 1);
  }

  throwIfAborted(): void {
    if (this.aborted) throw this.reason;
  }

  abort(reason: unknown = new DOMException("This operation was aborted", "AbortError")): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const list = this.listeners;
    this.listeners = undefined;
    this.onabort?.(ABORT_EVENT);
    if (list !== undefined) for (const l of list) l(ABORT_EVENT);
  }

  /** A signal that aborts when this one does, or on its own. */
  child(): CancelSignal {
    const c = new CancelSignal();
    if (this.aborted) c.abort(this.reason);
    else this.addEventListener("abort", () => c.abort(this.reason));
    return c;
  }

  /** For APIs typed with AbortSignal (the pools and sleeps use only these members). */
  asAbortSignal(): AbortSignal {
    return this as unknown as AbortSignal;
  }
}
