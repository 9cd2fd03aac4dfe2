// Clusters (CDS): one EDS cluster per service and per version with the service's policy, and a
// sidecar's local-app cluster. Sidecars also get mTLS origination (transport_socket_matches).
import { spiffeId, type Protocol } from "@weft/contracts";
import { TypeName } from "@weft/contracts/proto";
import type { ClusterSpec } from "../../../domain/snapshot";
import { toClusterPolicy, toProtocolOptions } from "./cluster-policy";
import { socketAddress } from "./endpoints";
import type { Flavor } from "./route-policy";
import { toUpstreamTlsMatches } from "./transport-sockets";
import { duration } from "./units";

export const CLUSTER_TYPE = TypeName.Cluster;

const ADS = { ads: {}, resource_api_version: "V3" };
const LOCAL_CONNECT_TIMEOUT_MS = 1000;

export function toCluster(spec: ClusterSpec, opts: { flavor: Flavor; trustDomain: string }): Record<string, unknown> {
  return {
    name: spec.name,
    type: "EDS",
    eds_cluster_config: { eds_config: ADS, service_name: spec.name },
    ...toClusterPolicy(spec.policy, spec.protocol, opts.flavor),
    ...(opts.flavor === "sidecar"
      ? { transport_socket_matches: toUpstreamTlsMatches(spiffeId(opts.trustDomain, spec.namespace, spec.service), spec.protocol !== "tcp") }
      : {}),
  };
}

/**
 * STATIC cluster that a sidecar's inbound listener forwards to: the application beside it
 * (plaintext, loopback). A gRPC app is spoken to in HTTP/2 (h2c); an HTTP app in HTTP/1.1.
 */
export function toLocalAppCluster(name: string, app: { address: string; port: number }, protocol: Protocol): Record<string, unknown> {
  return {
    name,
    type: "STATIC",
    connect_timeout: duration(LOCAL_CONNECT_TIMEOUT_MS),
    ...(protocol === "grpc" ? toProtocolOptions("grpc", "sidecar") : {}),
    lb_policy: "ROUND_ROBIN",
    load_assignment: {
      cluster_name: name,
      endpoints: [{ lb_endpoints: [{ endpoint: { address: socketAddress(app.address, app.port) } }] }],
    },
  };
}
