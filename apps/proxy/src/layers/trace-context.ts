// Trace context for every request: continues the caller's trace (W3C traceparent, or B3) or starts
// one, decides sampling and writes the context the upstream receives; sampled requests start their
// hop's span here (ended by telemetry when the exchange is over). No promise or closure of its own.
import type { Layer } from "../core/layer";
import type { Tracing } from "../tracing/tracing";

export function traceContextLayer(params: { tracing: Tracing }): Layer {
  const { tracing } = params;
  return (next) =>
    function traceContext(ctx) {
      tracing.begin(ctx);
      return next(ctx);
    };
}
