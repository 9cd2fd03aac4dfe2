// Clusters (CDS): one EDS cluster per service and per version, and a sidecar's local-app cluster.
import { TypeName } from "@weft/contracts/proto";
import type { ClusterSpec } from "../../../domain/snapshot";
import { socketAddress } from "./endpoints";

export const CLUSTER_TYPE = TypeName.Cluster;

const ADS = { ads: {}, resource_api_version: "V3" };
const CONNECT_TIMEOUT = { seconds: 1, nanos: 0 };

export function toCluster(spec: ClusterSpec): Record<string, unknown> {
  return {
    name: spec.name,
    type: "EDS",
    eds_cluster_config: { eds_config: ADS, service_name: spec.name },
    connect_timeout: CONNECT_TIMEOUT,
    lb_policy: "ROUND_ROBIN",
  };
}

/** STATIC cluster that a sidecar's inbound listener forwards to: the application beside it. */
export function toLocalAppCluster(name: string, app: { address: string; port: number }): Record<string, unknown> {
  return {
    name,
    type: "STATIC",
    connect_timeout: CONNECT_TIMEOUT,
    lb_policy: "ROUND_ROBIN",
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(app.address, app.port) } }] }],
    },
  };
}
