// The outbound layer stack (local app -> mesh), outermost first. The only place its order is decided.
import type { WorkloadIdentity } from "@weft/contracts";
import type { Clock } from "../core/clock";
import { systemClock } from "../core/clock";
import { composeLayers, type Handler } from "../core/layer";
import { localReplyLayer } from "../layers/local-reply";
import { grpcStatusLayer } from "../layers/trace-grpc-status";
import { traceContextLayer } from "../layers/trace-context";
import type { Tracing } from "../tracing/tracing";
import { hopByHopLayer } from "../layers/hop-by-hop";
import { sourceIdentityLayer } from "../layers/source-identity";
import { routeLayer } from "../layers/route";
import { policyLayers, type PolicyLayerParams } from "../layers/policy-layers";
import { createForwarder } from "../upstream/forward";
import type { UpstreamPools } from "../upstream/pools";

export interface OutboundStackParams {
  self: WorkloadIdentity;
  pools: UpstreamPools;
  random: () => number;
  /** Timeouts, backoff, breakers, EWMA, rate limits, faults (tests: a fake clock). */
  clock?: Clock;
  /** Trace context and spans; without it (layer unit tests) no trace layer is installed. */
  tracing?: Tracing;
  onShadowDone?: PolicyLayerParams["onShadowDone"];
}

export function createOutboundHandler(params: OutboundStackParams): Handler {
  // Innermost: keep-alive pool per endpoint; returns the upstream response with its body unread.
  const forward = createForwarder(params.pools);
  const tracing = params.tracing;
  return composeLayers(
    [
      // Outermost, above the local replies: sees every gRPC answer (the sidecar's own included,
      // before the exchange reshapes them) and records its status for telemetry.
      grpcStatusLayer(),
      // Any ProxyError raised below becomes the `{code, message}` + x-weft-error reply.
      localReplyLayer(),
      // Before anything reads or adds headers: connection-scoped headers never cross the proxy,
      // and a `Connection: x-weft-source` trick must not strip the identity stamped next.
      hopByHopLayer(),
      // After hop-by-hop removal (a `Connection: traceparent` cannot strip what it writes) and
      // before routing, so requests that fail to route are traced and logged with a trace id too.
      ...(tracing ? [traceContextLayer({ tracing })] : []),
      // Stamp the caller identity the peer's inbound sidecar reads (overrides what the app sent).
      sourceIdentityLayer({ mode: "stamp", self: params.self }),
      // Logical: listener's route table -> virtual host by authority -> first matching route.
      routeLayer({ listener: "outbound" }),
      // The route's policy: faults, rate limit, split, headers, mirror, timeout, retries,
      // circuit breaking, balancing, outlier detection (order explained in policy-layers.ts).
      ...policyLayers({ clock: params.clock ?? systemClock, random: params.random, forward, onShadowDone: params.onShadowDone }),
    ],
    forward,
  );
}
