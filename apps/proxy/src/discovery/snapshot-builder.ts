// Builds a complete ConfigSnapshot from the accepted per-type resources. Pure apart from carrying
// over, by cluster name, the previous snapshot's runtime state (host stats, breakers, retry budget)
// and its balancers for clusters whose config and endpoints did not change, so an update elsewhere
// does not reset their balancing position, latency estimates or ejections.
import { SidecarResourceNames, type WorkloadIdentity } from "@weft/contracts";
import type { Balancer, Cluster, ClusterConfig, ConfigSnapshot, Endpoint, ListenerConfig, RouteTable } from "../core/runtime-config";
import { createBalancer } from "../balance/create-balancer";
import { isServing } from "../balance/endpoint-set";
import { ClusterState } from "../balance/cluster-state";
import { createHostSet } from "../balance/host";

export interface AcceptedResources {
  readonly clusters: ReadonlyMap<string, ClusterConfig>;
  /** EDS endpoints by EDS resource name. */
  readonly endpoints: ReadonlyMap<string, readonly Endpoint[]>;
  readonly listeners: ReadonlyMap<string, ListenerConfig>;
  readonly routes: ReadonlyMap<string, RouteTable>;
}

const NO_ENDPOINTS: readonly Endpoint[] = Object.freeze([]);
const NO_DESTINATIONS: ReadonlyMap<string, WorkloadIdentity> = new Map();

export function buildSnapshot(accepted: AcceptedResources, previous: ConfigSnapshot, random: () => number): ConfigSnapshot {
  const endpointsOf = (config: ClusterConfig) =>
    config.kind === "static" ? config.staticEndpoints : (accepted.endpoints.get(config.edsName) ?? NO_ENDPOINTS);

  // Version clusters (`svc.ns|v2`) tell which version each endpoint of the service cluster runs.
  const versionByService = new Map<string, Map<string, WorkloadIdentity>>();
  for (const config of accepted.clusters.values()) {
    const id = config.identity;
    if (id === undefined || id.version === "") continue;
    const key = `${id.service}.${id.namespace}`;
    let byEndpoint = versionByService.get(key);
    if (byEndpoint === undefined) versionByService.set(key, (byEndpoint = new Map()));
    for (const e of endpointsOf(config)) byEndpoint.set(e.key, id);
  }

  const clusters = new Map<string, Cluster>();
  for (const config of accepted.clusters.values()) {
    const endpoints = endpointsOf(config);
    const before = previous.clusters.get(config.name);
    // Host stats, breakers and the retry budget outlive the snapshot; balancers and host sets are
    // rebuilt only when the cluster's config or endpoints changed (round-robin position kept).
    const state = before?.state ?? new ClusterState();
    const sameEndpoints = before !== undefined && before.endpoints === endpoints;
    const hostSet = sameEndpoints ? before.hostSet : createHostSet(state.hostsFor(endpoints), state);
    const balancer: Balancer = sameEndpoints && before.config === config ? before.balancer : createBalancer(config, hostSet, random);
    const id = config.identity;
    let destinationOf = NO_DESTINATIONS;
    if (id !== undefined && id.version === "") {
      const known = versionByService.get(`${id.service}.${id.namespace}`);
      if (known !== undefined) {
        const map = new Map<string, WorkloadIdentity>();
        for (const e of endpoints) {
          const v = known.get(e.key);
          if (v !== undefined) map.set(e.key, v);
        }
        destinationOf = map;
      }
    }
    clusters.set(config.name, {
      config,
      endpoints,
      healthyCount: endpoints.filter(isServing).length,
      balancer,
      destination: id,
      destinationOf,
      hostSet,
      state,
    });
  }

  return {
    generation: previous.generation + 1,
    inbound: accepted.listeners.get(SidecarResourceNames.inboundListener),
    outbound: accepted.listeners.get(SidecarResourceNames.outboundListener),
    routes: accepted.routes,
    clusters,
  };
}

/** Every endpoint key the snapshot can send to (for closing pools of departed endpoints). */
export function endpointKeys(snapshot: ConfigSnapshot): Set<string> {
  const keys = new Set<string>();
  for (const c of snapshot.clusters.values()) for (const e of c.endpoints) keys.add(e.key);
  return keys;
}
