// Last-known-good configuration: validates and translates each xDS response (throwing NackError
// to reject it whole), keeps the accepted resources per type, builds the next snapshot completely
// and then swaps one reference. Also says which EDS/RDS names to subscribe to.
import { TypeUrl } from "@weft/contracts/proto";
import type { ClusterConfig, ConfigSnapshot, ConfigSource, Endpoint, ListenerConfig, RouteTable } from "../core/runtime-config";
import { EMPTY_SNAPSHOT } from "../core/runtime-config";
import { buildSnapshot } from "./snapshot-builder";
import { toClusterConfigs } from "./translate/clusters";
import { toEndpointSets } from "./translate/endpoints";
import { toListenerConfigs, type BoundAddresses } from "./translate/listeners";
import { toRouteTables } from "./translate/routes";
import type { Cluster, ClusterLoadAssignment, Listener, RouteConfiguration } from "./translate/wire";

export interface ConfigStore extends ConfigSource {
  /** Applies one response of `typeUrl` (decoded resources); throws NackError to reject it. */
  apply(typeUrl: string, resources: readonly Record<string, unknown>[]): void;
  /** Names to subscribe to for EDS/RDS, derived from the accepted CDS/LDS (sorted). */
  wantedNames(typeUrl: string): string[];
  /** Called after every swap, with the new snapshot. */
  onSwap(listener: (snapshot: ConfigSnapshot) => void): void;
}

export function createConfigStore(options: { bound: BoundAddresses; random?: () => number }): ConfigStore {
  const random = options.random ?? Math.random;
  let clusters = new Map<string, ClusterConfig>();
  let endpoints = new Map<string, readonly Endpoint[]>();
  let listeners = new Map<string, ListenerConfig>();
  let routes = new Map<string, RouteTable>();
  let current: ConfigSnapshot = EMPTY_SNAPSHOT;
  const swapListeners: Array<(s: ConfigSnapshot) => void> = [];

  const edsNames = () => new Set([...clusters.values()].filter((c) => c.kind === "eds").map((c) => c.edsName));
  const rdsNames = () => new Set([...listeners.values()].map((l) => l.routeConfigName));

  /** EDS and RDS are not state-of-the-world per response: merge, then drop what nothing references. */
  function merged<T>(existing: Map<string, T>, update: Map<string, T>, wanted: Set<string>): Map<string, T> {
    const next = new Map<string, T>();
    for (const [k, v] of existing) if (wanted.has(k)) next.set(k, v);
    for (const [k, v] of update) if (wanted.has(k)) next.set(k, v);
    return next;
  }

  function swap(): void {
    current = buildSnapshot({ clusters, endpoints, listeners, routes }, current, random);
    for (const l of swapListeners) l(current);
  }

  return {
    get current() {
      return current;
    },
    apply(typeUrl, resources) {
      switch (typeUrl) {
        case TypeUrl.Cluster: {
          const next = toClusterConfigs(resources as readonly Cluster[]);
          clusters = next;
          endpoints = merged(endpoints, new Map(), edsNames());
          break;
        }
        case TypeUrl.ClusterLoadAssignment: {
          endpoints = merged(endpoints, toEndpointSets(resources as readonly ClusterLoadAssignment[]), edsNames());
          break;
        }
        case TypeUrl.Listener: {
          listeners = toListenerConfigs(resources as readonly Listener[], options.bound);
          routes = merged(routes, new Map(), rdsNames());
          break;
        }
        case TypeUrl.RouteConfiguration: {
          routes = merged(routes, toRouteTables(resources as readonly RouteConfiguration[]), rdsNames());
          break;
        }
        default:
          return;
      }
      swap();
    },
    wantedNames(typeUrl) {
      if (typeUrl === TypeUrl.ClusterLoadAssignment) return [...edsNames()].sort();
      if (typeUrl === TypeUrl.RouteConfiguration) return [...rdsNames()].sort();
      return [];
    },
    onSwap(listener) {
      swapListeners.push(listener);
    },
  };
}
