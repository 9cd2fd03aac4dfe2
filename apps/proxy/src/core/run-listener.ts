// Runs a callback the caller handed in (an event listener, a call's handler). One that throws is the
// caller's bug: it surfaces as an uncaught exception, as from an EventEmitter, on the next tick —
// never thrown into the code that called it, which would be left half-updated or would take the
// bug for a failure of the connection it happened to run under.

export function runListener(fn: () => void): void {
  try {
    fn();
  } catch (err) {
    process.nextTick(() => {
      throw err;
    });
  }
}
