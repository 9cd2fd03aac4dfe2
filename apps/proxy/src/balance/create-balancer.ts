// The seam between a cluster's load balancing policy and its balancer implementation.
import type { Balancer, ClusterConfig } from "../core/runtime-config";
import type { HostSet } from "./host";
import { createRoundRobin } from "./round-robin";
import { createLeastRequest } from "./least-request";
import { createPeakEwma } from "./peak-ewma";
import { createRingHash } from "./ring-hash";

export function createBalancer(config: ClusterConfig, set: HostSet, random: () => number): Balancer {
  const policy = config.policy;
  switch (config.lbPolicy) {
    case "round_robin":
      return createRoundRobin(set, { random });
    case "least_request":
      return createLeastRequest(set, { random, choiceCount: policy.choiceCount });
    case "peak_ewma":
      return createPeakEwma(set, { random, decayMs: policy.ewmaDecayMs });
    case "ring_hash":
      return createRingHash(set, { random, minRingSize: policy.ringMinSize, maxRingSize: policy.ringMaxSize });
  }
}
