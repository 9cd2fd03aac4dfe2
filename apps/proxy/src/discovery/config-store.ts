// Last-known-good configuration: validates and translates each xDS response (throwing NackError
// to reject it whole), keeps the accepted resources per type, builds the next snapshot completely
// and then swaps one reference. Binds outbound TCP listeners an LDS update adds before accepting it.
// Keeps the accepted resources as received, for persistence and restore, and says which EDS/RDS
// names to subscribe to.
import { TypeUrl } from "@weft/contracts/proto";
import type { ClusterConfig, ConfigSnapshot, ConfigSource, Endpoint, ListenerConfig, RouteTable } from "../core/runtime-config";
import { EMPTY_SNAPSHOT } from "../core/runtime-config";
import type { TransportLabels } from "../core/transport-config";
import type { TcpListeners } from "../tcp/tcp-listeners";
import { buildSnapshot } from "./snapshot-builder";
import { toClusterConfigs } from "./translate/clusters";
import { transportLabelsByEndpoint } from "./translate/cluster-transport";
import { toEndpointSets } from "./translate/endpoints";
import { translateListeners, type BoundAddresses } from "./translate/listeners";
import { toRouteTables } from "./translate/routes";
import { nack, type Cluster, type ClusterLoadAssignment, type Listener, type RouteConfiguration } from "./translate/wire";

export type RawResource = Record<string, unknown>;

/** Accepted resources of one type, as decoded from the wire, and the version they came with. */
export interface AcceptedType {
  version: string;
  resources: RawResource[];
}

export interface ConfigStore extends ConfigSource {
  /** Applies one response of `typeUrl` (decoded resources); rejects with NackError to refuse it. */
  apply(typeUrl: string, resources: readonly RawResource[], version?: string): Promise<void>;
  /** Names to subscribe to for EDS/RDS, derived from the accepted CDS/LDS (sorted). */
  wantedNames(typeUrl: string): string[];
  /** Called after every swap, with the new snapshot. */
  onSwap(listener: (snapshot: ConfigSnapshot) => void): void;
  /** Everything accepted so far, per type URL (CDS, EDS, LDS, RDS order). */
  accepted(): Record<string, AcceptedType>;
  /** Re-applies a persisted set in CDS, EDS, LDS, RDS order; rejects (NackError) if it no longer applies. */
  restore(saved: Record<string, AcceptedType>): Promise<void>;
  /** Outbound TCP listeners currently configured. */
  tcpListeners(): ReadonlyMap<string, ListenerConfig>;
}

export interface ConfigStoreOptions {
  bound: BoundAddresses;
  random?: () => number;
  /** Binds and closes outbound TCP listeners (absent: TCP listeners are kept in config only). */
  tcp?: TcpListeners;
  /** Whether the sidecar has a workload identity (WEFT_JOIN_TOKEN); TLS config is NACKed without one. */
  identity?: boolean;
}

const ORDER = [TypeUrl.Cluster, TypeUrl.ClusterLoadAssignment, TypeUrl.Listener, TypeUrl.RouteConfiguration] as const;
const NO_IDENTITY = "needs the sidecar's workload certificate (certificate provider \"weft\"), but this sidecar has no join token (set WEFT_JOIN_TOKEN)";

export function createConfigStore(options: ConfigStoreOptions): ConfigStore {
  const random = options.random ?? Math.random;
  let clusters = new Map<string, ClusterConfig>();
  let endpoints = new Map<string, readonly Endpoint[]>();
  let listeners = new Map<string, ListenerConfig>();
  let tcpListeners = new Map<string, ListenerConfig>();
  let routes = new Map<string, RouteTable>();
  let current: ConfigSnapshot = EMPTY_SNAPSHOT;
  const swapListeners: Array<(s: ConfigSnapshot) => void> = [];
  // As received: CDS/LDS whole lists; EDS/RDS merged by name.
  const raw = new Map<string, { version: string; byName: Map<string, RawResource> }>(ORDER.map((t) => [t, { version: "", byName: new Map() }]));
  /** Transport socket match labels: per EDS resource, and from STATIC clusters' inline assignments. */
  let labelsByEds = new Map<string, Map<string, TransportLabels>>();
  let staticLabels = new Map<string, TransportLabels>();

  const edsNames = () => new Set([...clusters.values()].filter((c) => c.kind === "eds").map((c) => c.edsName));
  const rdsNames = () => new Set([...listeners.values()].map((l) => l.routeConfigName).filter((n) => n !== ""));

  /** EDS and RDS are not state-of-the-world per response: merge, then drop what nothing references. */
  function merged<T>(existing: Map<string, T>, update: Map<string, T>, wanted: Set<string>): Map<string, T> {
    const next = new Map<string, T>();
    for (const [k, v] of existing) if (wanted.has(k)) next.set(k, v);
    for (const [k, v] of update) if (wanted.has(k)) next.set(k, v);
    return next;
  }

  function endpointLabels(): ReadonlyMap<string, TransportLabels> | undefined {
    if (staticLabels.size === 0 && labelsByEds.size === 0) return undefined;
    const all = new Map(staticLabels);
    for (const m of labelsByEds.values()) for (const [k, v] of m) all.set(k, v);
    return all;
  }

  function swap(): void {
    const built = buildSnapshot({ clusters, endpoints, listeners, routes }, current, random);
    current = { ...built, tcpListeners, endpointLabels: endpointLabels() };
    for (const l of swapListeners) l(current);
  }

  function record(typeUrl: string, version: string, resources: readonly RawResource[], nameOf: (r: RawResource) => string, replace: boolean, wanted?: Set<string>): void {
    const entry = raw.get(typeUrl)!;
    const byName = replace ? new Map<string, RawResource>() : entry.byName;
    for (const r of resources) byName.set(nameOf(r), r);
    if (wanted !== undefined) for (const k of [...byName.keys()]) if (!wanted.has(k)) byName.delete(k);
    entry.byName = byName;
    entry.version = version;
  }

  function pruneRaw(typeUrl: string, wanted: Set<string>): void {
    const byName = raw.get(typeUrl)!.byName;
    for (const k of [...byName.keys()]) if (!wanted.has(k)) byName.delete(k);
  }

  function checkClusterTls(next: Map<string, ClusterConfig>): void {
    if (options.identity !== false) return;
    for (const c of next.values()) {
      if (c.transport.tls !== undefined) nack(`cluster "${c.name}" transport_socket`, NO_IDENTITY);
      const i = c.transport.matches.findIndex((m) => m.tls !== undefined);
      if (i !== -1) nack(`cluster "${c.name}" transport_socket_matches[${i}]`, NO_IDENTITY);
    }
  }

  function checkListenerTls(all: Iterable<ListenerConfig>): void {
    if (options.identity !== false) return;
    for (const l of all) {
      const i = l.transport.chains.findIndex((c) => c.tls !== undefined);
      if (i !== -1) nack(`listener "${l.name}" filter_chains[${i}] transport_socket`, NO_IDENTITY);
    }
  }

  async function apply(typeUrl: string, resources: readonly RawResource[], version = ""): Promise<void> {
    switch (typeUrl) {
      case TypeUrl.Cluster: {
        const next = toClusterConfigs(resources as readonly Cluster[]);
        checkClusterTls(next);
        clusters = next;
        endpoints = merged(endpoints, new Map(), edsNames());
        const eds = edsNames();
        labelsByEds = merged(labelsByEds, new Map(), eds);
        staticLabels = new Map();
        for (const c of resources as readonly Cluster[]) if (c.load_assignment) transportLabelsByEndpoint(c.load_assignment, staticLabels);
        record(typeUrl, version, resources, (r) => String(r.name), true);
        pruneRaw(TypeUrl.ClusterLoadAssignment, eds);
        break;
      }
      case TypeUrl.ClusterLoadAssignment: {
        const eds = edsNames();
        endpoints = merged(endpoints, toEndpointSets(resources as readonly ClusterLoadAssignment[]), eds);
        const labels = new Map<string, Map<string, TransportLabels>>();
        for (const cla of resources as readonly ClusterLoadAssignment[]) {
          const m = new Map<string, TransportLabels>();
          transportLabelsByEndpoint(cla, m);
          labels.set(cla.cluster_name!, m);
        }
        labelsByEds = merged(labelsByEds, labels, eds);
        record(typeUrl, version, resources, (r) => String(r.cluster_name), false, eds);
        break;
      }
      case TypeUrl.Listener: {
        const next = translateListeners(resources as readonly Listener[], options.bound);
        checkListenerTls([...next.main.values(), ...next.tcp.values()]);
        // Bind new TCP listeners before accepting: a port that cannot be bound is a NACK.
        const commit = options.tcp ? await options.tcp.prepare(next.tcp) : undefined;
        listeners = next.main;
        tcpListeners = next.tcp;
        routes = merged(routes, new Map(), rdsNames());
        record(typeUrl, version, resources, (r) => String(r.name), true);
        pruneRaw(TypeUrl.RouteConfiguration, rdsNames());
        swap();
        commit?.();
        return;
      }
      case TypeUrl.RouteConfiguration: {
        const rds = rdsNames();
        routes = merged(routes, toRouteTables(resources as readonly RouteConfiguration[]), rds);
        record(typeUrl, version, resources, (r) => String(r.name), false, rds);
        break;
      }
      default:
        return;
    }
    swap();
  }

  return {
    get current() {
      return current;
    },
    apply,
    wantedNames(typeUrl) {
      if (typeUrl === TypeUrl.ClusterLoadAssignment) return [...edsNames()].sort();
      if (typeUrl === TypeUrl.RouteConfiguration) return [...rdsNames()].sort();
      return [];
    },
    onSwap(listener) {
      swapListeners.push(listener);
    },
    accepted() {
      const out: Record<string, AcceptedType> = {};
      for (const t of ORDER) {
        const entry = raw.get(t)!;
        out[t] = { version: entry.version, resources: [...entry.byName.values()] };
      }
      return out;
    },
    async restore(saved) {
      for (const t of ORDER) {
        const s = saved[t];
        if (s !== undefined && (s.resources.length > 0 || t === TypeUrl.Cluster || t === TypeUrl.Listener)) await apply(t, s.resources, s.version);
      }
    },
    tcpListeners: () => tcpListeners,
  };
}
