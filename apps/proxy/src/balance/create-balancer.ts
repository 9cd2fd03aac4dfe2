// The seam between a cluster's lb_policy and its balancer implementation. ROUND_ROBIN is the only
// policy so far; p2c-least-request / p2c-ewma / ring-hash plug in here.
import type { Balancer, ClusterConfig, Endpoint } from "../core/runtime-config";
import { servingEndpoints } from "./endpoint-set";
import { createRoundRobin } from "./round-robin";

export function createBalancer(config: ClusterConfig, endpoints: readonly Endpoint[], random: () => number): Balancer {
  const serving = servingEndpoints(endpoints);
  switch (config.lbPolicy) {
    case "round_robin":
      return createRoundRobin(serving, { random });
  }
}
