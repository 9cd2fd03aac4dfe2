// The traffic-policy part of both stacks, from the matched route down to the forwarder, outermost
// first; shared by outbound/stack.ts and inbound/stack.ts so both directions apply a route's
// policy identically. Every ordering constraint is stated where it applies.
import type { Clock } from "../core/clock";
import type { Handler, Layer } from "../core/layer";
import { faultLayer } from "./fault";
import { rateLimitLayer } from "./rate-limit";
import { clusterPickLayer } from "./cluster-pick";
import { headerMutationLayer } from "./header-mutation";
import { pathRewriteLayer } from "./path-rewrite";
import { hashPolicyLayer } from "./hash-policy";
import { mirrorLayer, type MirrorLayerParams } from "./mirror";
import { timeoutLayer } from "./timeout";
import { retryLayer } from "./retry";
import { circuitBreakerLayer } from "./circuit-breaker";
import { balancerLayer } from "./balancer";
import { outlierDetectionLayer } from "./outlier-detection";

export interface PolicyLayerParams {
  clock: Clock;
  random: () => number;
  /** The terminal forwarder (mirrors send through it directly). */
  forward: Handler;
  onShadowDone?: MirrorLayerParams["onShadowDone"];
}

/** Layers between the route layer and the forwarder. */
export function policyLayers(params: PolicyLayerParams): Layer[] {
  const { clock, random, forward } = params;
  return [
    // HTTP filters in HCM order: fault (delay, then abort) before the local rate limit, so an
    // aborted request spends no token; both before anything is sent anywhere.
    faultLayer({ clock, random }),
    rateLimitLayer({ clock, random }),
    // Concrete: the route's weighted split -> one cluster (version). Above retries, so a retry
    // stays on the version the split chose.
    clusterPickLayer({ random }),
    // The request as it will travel: headers mutated and path rewritten before mirroring and
    // before any attempt; response header mutation sees the final upstream response.
    headerMutationLayer(),
    pathRewriteLayer(),
    // The consistent-hash key (may set a cookie on the response); above retries so all attempts
    // and the mirror hash alike.
    hashPolicyLayer({ random }),
    // Shadows start once per request (not per attempt), teeing the body before retries buffer it.
    mirrorLayer({ clock, random, forward, onShadowDone: params.onShadowDone }),
    // The route timeout spans every attempt and backoff, so it wraps the retry layer.
    timeoutLayer({ clock }),
    // Above the breaker and balancer: each attempt takes a slot and picks a fresh endpoint.
    retryLayer({ clock, random }),
    circuitBreakerLayer(),
    // Endpoint: the cluster's balancer over available hosts; tracks load and latency per host.
    balancerLayer({ clock }),
    // Innermost: sees each attempt's own outcome, on the host that produced it.
    outlierDetectionLayer({ clock, random }),
  ];
}
