// Endpoints (EDS): a ClusterLoadAssignment per EDS cluster, one locality.
import { TypeName } from "@weft/contracts/proto";
import type { EndpointSpec } from "../../../domain/snapshot";

export const ENDPOINTS_TYPE = TypeName.ClusterLoadAssignment;

const HEALTH = { healthy: "HEALTHY", unhealthy: "UNHEALTHY", draining: "DRAINING" } as const;

export function socketAddress(address: string, port: number) {
  return { socket_address: { address, port_value: port } };
}

export function toClusterLoadAssignment(clusterName: string, endpoints: EndpointSpec[]): Record<string, unknown> {
  return {
    cluster_name: clusterName,
    endpoints: [
      {
        // gRPC clients reject a locality that is unset and ignore one without a weight.
        locality: {},
        load_balancing_weight: { value: 1 },
        lb_endpoints: endpoints.map((e) => ({
          endpoint: { address: socketAddress(e.address, e.port) },
          health_status: HEALTH[e.health],
          load_balancing_weight: { value: e.weight },
        })),
      },
    ],
  };
}
