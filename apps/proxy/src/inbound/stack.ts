// The inbound layer stack (mesh -> local app), outermost first. The only place its order is decided.
import { composeLayers, type Handler } from "../core/layer";
import { localReplyLayer } from "../layers/local-reply";
import { hopByHopLayer } from "../layers/hop-by-hop";
import { sourceIdentityLayer } from "../layers/source-identity";
import { routeLayer } from "../layers/route";
import { clusterPickLayer } from "../layers/cluster-pick";
import { balancerLayer } from "../layers/balancer";
import { createForwarder } from "../upstream/forward";
import type { UpstreamPools } from "../upstream/pools";

export interface InboundStackParams {
  pools: UpstreamPools;
  random: () => number;
}

export function createInboundHandler(params: InboundStackParams): Handler {
  return composeLayers(
    [
      // Outermost: any ProxyError raised below becomes the `{code, message}` + x-weft-error reply.
      localReplyLayer(),
      // Connection-scoped headers never reach the app.
      hopByHopLayer(),
      // Read x-weft-source into ctx.source (telemetry) and strip it before the app sees it.
      // (mTLS termination and authz will sit above this and replace the header as the identity source.)
      sourceIdentityLayer({ mode: "read" }),
      // `weft.inbound` route table: `/*` -> `weft.inbound|local`.
      routeLayer({ listener: "inbound" }),
      clusterPickLayer({ random: params.random }),
      // The STATIC local app cluster: one endpoint, the app.
      balancerLayer(),
    ],
    createForwarder(params.pools),
  );
}
