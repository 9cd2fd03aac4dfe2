// The inbound layer stack (mesh -> local app), outermost first. The only place its order is decided.
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
import { policyLayers } from "../layers/policy-layers";
import { createForwarder } from "../upstream/forward";
import type { UpstreamPools } from "../upstream/pools";

export interface InboundStackParams {
  pools: UpstreamPools;
  random: () => number;
  clock?: Clock;
  /** Trace context and spans; without it (layer unit tests) no trace layer is installed. */
  tracing?: Tracing;
}

export function createInboundHandler(params: InboundStackParams): Handler {
  const forward = createForwarder(params.pools);
  const tracing = params.tracing;
  return composeLayers(
    [
      // Outermost, above the local replies: sees every gRPC answer (the sidecar's own included,
      // before the exchange reshapes them) and records its status for telemetry.
      grpcStatusLayer(),
      // Any ProxyError raised below becomes the `{code, message}` + x-weft-error reply.
      localReplyLayer(),
      // Connection-scoped headers never reach the app.
      hopByHopLayer(),
      // Continue the caller's trace (the span of its outbound hop is our parent) before anything
      // can refuse the request; after hop-by-hop removal, before routing (as outbound).
      ...(tracing ? [traceContextLayer({ tracing })] : []),
      // Read x-weft-source into ctx.source (telemetry) and strip it before the app sees it.
      // (mTLS termination and authz will sit above this and replace the header as the identity source.)
      sourceIdentityLayer({ mode: "read" }),
      // `weft.inbound` route table: `/*` -> `weft.inbound|local`.
      routeLayer({ listener: "inbound" }),
      // The inbound route's policy (local rate limits and faults protect the app; the STATIC local
      // app cluster has one endpoint), same order as outbound (policy-layers.ts).
      ...policyLayers({ clock: params.clock ?? systemClock, random: params.random, forward }),
    ],
    forward,
  );
}
