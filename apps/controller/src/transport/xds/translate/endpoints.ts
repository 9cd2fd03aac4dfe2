// Endpoints (EDS): a ClusterLoadAssignment per EDS cluster, one locality. Sidecar-registered
// endpoints carry the mTLS marker their clusters' transport_socket_matches select on.
import { TLS_MODE } from "@weft/contracts";
import { jsonToStruct, TypeName } from "@weft/contracts/proto";
import type { EndpointSpec } from "../../../domain/snapshot";

export const ENDPOINTS_TYPE = TypeName.ClusterLoadAssignment;

const HEALTH = { healthy: "HEALTHY", unhealthy: "UNHEALTHY", draining: "DRAINING" } as const;

export function socketAddress(address: string, port: number) {
  return { socket_address: { address, port_value: port } };
}

const MTLS_METADATA = { filter_metadata: { [TLS_MODE.filter]: jsonToStruct({ [TLS_MODE.key]: TLS_MODE.mtls }) } };

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
          ...(e.mtls ? { metadata: MTLS_METADATA } : {}),
        })),
      },
    ],
  };
}
