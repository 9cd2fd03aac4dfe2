// Runs an upstream call with a deadline on the injected clock: when the timer wins, the call's
// signal (a CancelSignal: AbortController is too slow per request) aborts so the forwarder
// cancels the attempt, and the caller gets `onTimeout()`'s error; a response arriving later has
// its body discarded so its connection is freed.
import type { Clock } from "../core/clock";
import type { ProxyResponse } from "../core/layer";
import { CancelSignal } from "./cancel-signal";

/** A parent signal as a CancelSignal (it is one when a timeout layer made it; else bridge it). */
function cancelOf(signal: AbortSignal): CancelSignal {
  const own: unknown = signal;
  if (own instanceof CancelSignal) return own;
  const bridge = new CancelSignal();
  if (signal.aborted) bridge.abort(signal.reason);
  else signal.addEventListener("abort", () => bridge.abort(signal.reason), { once: true });
  return bridge;
}

export function discardResponse(res: ProxyResponse): void {
  const body = res.body;
  if (body === null || Buffer.isBuffer(body)) return;
  // A destroyed body may report its own destruction as an error: expected here, not a failure.
  body.on("error", ignore);
  body.destroy();
}

function ignore(): void {}

export function withDeadline(
  run: (signal: AbortSignal) => Promise<ProxyResponse>,
  ms: number,
  clock: Clock,
  parent: AbortSignal | undefined,
  onTimeout: () => unknown,
): Promise<ProxyResponse> {
  const cancel = parent === undefined ? new CancelSignal() : cancelOf(parent).child();
  return new Promise<ProxyResponse>((resolve, reject) => {
    let settled = false;
    const timer = clock.setTimeout(() => {
      if (settled) return;
      settled = true;
      const err = onTimeout();
      cancel.abort(err);
      reject(err);
    }, ms);
    run(cancel.asAbortSignal()).then(
      (res) => {
        if (settled) return discardResponse(res);
        settled = true;
        timer.cancel();
        resolve(res);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        timer.cancel();
        reject(err);
      },
    );
  });
}

/** Waits `ms` on the clock; resolves early (false) if `signal` aborts. */
export function sleep(clock: Clock, ms: number, signal?: AbortSignal): Promise<boolean> {
  if (ms <= 0) return Promise.resolve(!signal?.aborted);
  return new Promise<boolean>((resolve) => {
    if (signal?.aborted) return resolve(false);
    const onAbort = () => {
      timer.cancel();
      resolve(false);
    };
    const timer = clock.setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
