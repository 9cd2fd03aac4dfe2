// The outbound layer stack (local app -> mesh), outermost first. The only place its order is decided.
import type { WorkloadIdentity } from "@weft/contracts";
import { composeLayers, type Handler } from "../core/layer";
import { localReplyLayer } from "../layers/local-reply";
import { hopByHopLayer } from "../layers/hop-by-hop";
import { sourceIdentityLayer } from "../layers/source-identity";
import { routeLayer } from "../layers/route";
import { clusterPickLayer } from "../layers/cluster-pick";
import { balancerLayer } from "../layers/balancer";
import { createForwarder } from "../upstream/forward";
import type { UpstreamPools } from "../upstream/pools";

export interface OutboundStackParams {
  self: WorkloadIdentity;
  pools: UpstreamPools;
  random: () => number;
}

export function createOutboundHandler(params: OutboundStackParams): Handler {
  return composeLayers(
    [
      // Outermost: any ProxyError raised below becomes the `{code, message}` + x-weft-error reply.
      localReplyLayer(),
      // Before anything reads or adds headers: connection-scoped headers never cross the proxy,
      // and a `Connection: x-weft-source` trick must not strip the identity stamped next.
      hopByHopLayer(),
      // Stamp the caller identity the peer's inbound sidecar reads (overrides what the app sent).
      sourceIdentityLayer({ mode: "stamp", self: params.self }),
      // Logical: listener's route table -> virtual host by authority -> first matching route.
      routeLayer({ listener: "outbound" }),
      // Concrete: the route's weighted split -> one cluster (version).
      clusterPickLayer({ random: params.random }),
      // (retry / timeout / circuit breaking go here: above the balancer, so each attempt picks a
      //  fresh endpoint, and below the split, so a retry stays on the version the split chose.)
      // Endpoint: round robin over the cluster's healthy endpoints.
      balancerLayer(),
    ],
    // Innermost: keep-alive pool per endpoint; returns the upstream response with its body unread.
    createForwarder(params.pools),
  );
}
