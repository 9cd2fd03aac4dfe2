// CDS: Cluster -> ClusterConfig. EDS clusters over ADS and STATIC clusters with an inline
// load_assignment; ROUND_ROBIN only; no TLS yet. Anything else is NACKed rather than misapplied.
import { parseClusterName, SidecarResourceNames, type WorkloadIdentity } from "@weft/contracts";
import type { ClusterConfig } from "../../core/runtime-config";
import { toEndpoints } from "./endpoints";
import { durationMs, isAds, nack, NOT_YET, type Cluster } from "./wire";

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
  if (c.transport_socket || (c.transport_socket_matches?.length ?? 0) > 0) nack(where, `transport_socket (upstream TLS) ${NOT_YET}`);
  const lb = c.lb_policy ?? "ROUND_ROBIN"; // ROUND_ROBIN is enum 0: absent on the wire
  if (lb !== "ROUND_ROBIN") nack(where, `lb_policy ${lb} ${NOT_YET} (ROUND_ROBIN only)`);
  const connectTimeoutMs = durationMs(c.connect_timeout) ?? DEFAULT_CONNECT_TIMEOUT_MS;
  if (connectTimeoutMs <= 0) nack(where, `connect_timeout must be positive`);
  const identity = clusterIdentity(name);
  const type = c.type ?? "STATIC"; // STATIC is enum 0: absent on the wire
  if (type === "EDS") {
    if (!isAds(c.eds_cluster_config?.eds_config)) nack(where, "eds_cluster_config.eds_config must be { ads: {} } (EDS over this ADS stream)");
    const edsName = c.eds_cluster_config?.service_name || name;
    return { name, kind: "eds", edsName, connectTimeoutMs, lbPolicy: "round_robin", staticEndpoints: [], identity };
  }
  if (type === "STATIC") {
    if (c.load_assignment === undefined) nack(where, "a STATIC cluster needs load_assignment");
    const staticEndpoints = toEndpoints(c.load_assignment, `${where} load_assignment`);
    return { name, kind: "static", edsName: name, connectTimeoutMs, lbPolicy: "round_robin", staticEndpoints, identity };
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
