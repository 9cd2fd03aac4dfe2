// CDS: Cluster -> ClusterConfig. EDS clusters over ADS and STATIC clusters with an inline
// load_assignment; traffic policy in cluster-policy.ts; TLS and protocol in cluster-transport.ts. Anything else is NACKed
// rather than misapplied.
import { parseClusterName, SidecarResourceNames, type WorkloadIdentity } from "@weft/contracts";
import type { ClusterConfig } from "../../core/runtime-config";
import { toEndpoints } from "./endpoints";
import { durationMs, isAds, nack, NOT_YET, u32, type Cluster } from "./wire";
import { toClusterPolicy } from "./cluster-policy";
import { toClusterTransport } from "./cluster-transport";

/** Envoy's default connect_timeout. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

export function clusterIdentity(name: string): WorkloadIdentity | undefined {
  if (name === SidecarResourceNames.localAppCluster) return undefined;
  const parsed = parseClusterName(name);
  return parsed && { service: parsed.service, namespace: parsed.namespace, version: parsed.version ?? "" };
}

export function toClusterConfig(c: Cluster, index: number): ClusterConfig {
  const name = c.name;
  if (!name) nack(`cluster[${index}]`, "name is empty");
  const where = `cluster "${name}"`;
  if (c.cluster_type) nack(where, `cluster_type (custom cluster) ${NOT_YET}`);
  if ((c.lb_subset_config?.subset_selectors?.length ?? 0) > 0) nack(where, `lb_subset_config ${NOT_YET}; one cluster per version`);
  if ((u32(c.max_requests_per_connection) ?? 0) > 0) nack(where, `max_requests_per_connection ${NOT_YET}`);
  if ((c.filters?.length ?? 0) > 0) nack(where, `filters (upstream network filters) ${NOT_YET}`);
  // TLS and HTTP protocol towards the endpoints (transport_socket[_matches], protocol options).
  const transport = toClusterTransport(c, where);
  const policy = toClusterPolicy(c, name, where);
  const lbPolicy = policy.lbPolicy;
  const connectTimeoutMs = durationMs(c.connect_timeout, where, "connect_timeout") ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (connectTimeoutMs <= 0) nack(where, `connect_timeout must be positive`);
  const identity = clusterIdentity(name);
  const type = c.type ?? "STATIC"; // STATIC is enum 0: absent on the wire
  if (type === "EDS") {
    if (!isAds(c.eds_cluster_config?.eds_config)) nack(where, "eds_cluster_config.eds_config must be { ads: {} } (EDS over this ADS stream)");
    const edsName = c.eds_cluster_config?.service_name || name;
    return { name, kind: "eds", edsName, connectTimeoutMs, lbPolicy, policy, staticEndpoints: [], identity, transport };
  }
  if (type === "STATIC") {
    if (c.load_assignment === undefined) nack(where, "a STATIC cluster needs load_assignment");
    const staticEndpoints = toEndpoints(c.load_assignment, `${where} load_assignment`);
    return { name, kind: "static", edsName: name, connectTimeoutMs, lbPolicy, policy, staticEndpoints, identity, transport };
  }
  return nack(where, `type ${type} ${NOT_YET} (EDS or STATIC)`);
}

/** CDS response (state of the world) -> every cluster by name. */
export function toClusterConfigs(resources: readonly Cluster[]): Map<string, ClusterConfig> {
  const out = new Map<string, ClusterConfig>();
  resources.forEach((c, i) => {
    const config = toClusterConfig(c, i);
    if (out.has(config.name)) nack(`cluster "${config.name}"`, "appears twice in the response");
    out.set(config.name, config);
  });
  return out;
}
