// Which xDS resources each kind of client sees, encoded once per snapshot and shared between
// streams (a mesh-wide cluster is encoded once, not once per connected proxy). Sidecars get mTLS
// and Weft's own listeners; generic clients (Envoy, proxyless gRPC) plaintext clusters and API
// listeners.
import { createHash } from "node:crypto";
import { POLICY_DEFAULTS, SidecarResourceNames, tcpOutboundListenerName, type SidecarMetadata } from "@weft/contracts";
import { TypeUrl, type Protos } from "@weft/contracts/proto";
import type { MeshSnapshot } from "../../domain/snapshot";
import { CLUSTER_TYPE, toCluster, toLocalAppCluster } from "./translate/clusters";
import { ENDPOINTS_TYPE, toClusterLoadAssignment } from "./translate/endpoints";
import { LISTENERS_TYPE, toApiListener, toInboundListener, toOutboundListener, toTcpOutboundListener } from "./translate/listeners";
import { ROUTES_TYPE, toInboundRouteConfiguration, toRouteConfiguration, toVirtualHost } from "./translate/routes";

export interface EncodedResource {
  name: string;
  any: { type_url: string; value: Uint8Array };
  hash: string;
}
export type ResourceSet = ReadonlyMap<string, EncodedResource>;
export type NodeResources = ReadonlyMap<string, ResourceSet>;

/** A generic client's namespace decides what a bare name (`xds:///reviews`) means for it. */
export type NodeProfile = { kind: "sidecar"; meta: SidecarMetadata } | { kind: "generic"; namespace: string };

export interface ResourceBuilderOptions {
  /** SPIFFE trust domain of the mesh's identities (WEFT_TRUST_DOMAIN). */
  trustDomain: string;
}

interface Shared {
  sidecarClusters: Map<string, EncodedResource>;
  genericClusters: Map<string, EncodedResource>;
  endpoints: Map<string, EncodedResource>;
  /** The outbound route table by caller namespace (bare names resolve in the caller's namespace); built on first use. */
  outboundRoutes: Map<string, EncodedResource>;
  inboundRoute: EncodedResource;
  /** By service key, so a sidecar can leave out its own service's listener. */
  tcpListeners: Map<string, EncodedResource>;
  /** API listeners by caller namespace; built on first use. */
  apiListeners: Map<string, Map<string, EncodedResource>>;
  serviceRoutes: Map<string, EncodedResource>;
}

export function createResourceBuilder(protos: Protos, opts: ResourceBuilderOptions) {
  const sharedBySnapshot = new WeakMap<MeshSnapshot, Shared>();
  const { trustDomain } = opts;

  function encode(typeName: string, typeUrl: string, name: string, object: Record<string, unknown>): EncodedResource {
    const value = protos.encode(typeName, object);
    return { name, any: { type_url: typeUrl, value }, hash: createHash("sha1").update(value).digest("hex").slice(0, 16) };
  }

  function buildShared(snapshot: MeshSnapshot): Shared {
    const sidecarClusters = new Map<string, EncodedResource>();
    const genericClusters = new Map<string, EncodedResource>();
    for (const c of snapshot.clusters) {
      sidecarClusters.set(c.name, encode(CLUSTER_TYPE, TypeUrl.Cluster, c.name, toCluster(c, { flavor: "sidecar", trustDomain })));
      genericClusters.set(c.name, encode(CLUSTER_TYPE, TypeUrl.Cluster, c.name, toCluster(c, { flavor: "generic", trustDomain })));
    }
    const endpoints = new Map<string, EncodedResource>();
    for (const [name, eps] of snapshot.endpoints) {
      endpoints.set(name, encode(ENDPOINTS_TYPE, TypeUrl.ClusterLoadAssignment, name, toClusterLoadAssignment(name, eps)));
    }
    const inName = SidecarResourceNames.inboundRoute;
    const inboundRoute = encode(ROUTES_TYPE, TypeUrl.RouteConfiguration, inName, toInboundRouteConfiguration(inName, SidecarResourceNames.localAppCluster));
    const tcpListeners = new Map<string, EncodedResource>();
    for (const t of snapshot.tcpServices) {
      const name = tcpOutboundListenerName(t.name, t.namespace);
      tcpListeners.set(t.key, encode(LISTENERS_TYPE, TypeUrl.Listener, name, toTcpOutboundListener(name, t.port, t.cluster)));
    }
    const serviceRoutes = new Map<string, EncodedResource>();
    for (const s of snapshot.services) {
      const vhost = toVirtualHost(s, { domains: ["*"], flavor: "generic" });
      serviceRoutes.set(s.key, encode(ROUTES_TYPE, TypeUrl.RouteConfiguration, s.key, toRouteConfiguration(s.key, [vhost])));
    }
    return { sidecarClusters, genericClusters, endpoints, outboundRoutes: new Map(), inboundRoute, tcpListeners, apiListeners: new Map(), serviceRoutes };
  }

  const domainsFor = (svc: MeshSnapshot["services"][number], namespace: string) =>
    svc.namespace === namespace ? [...svc.shortDomains, ...svc.domains] : svc.domains;

  function outboundRoute(snapshot: MeshSnapshot, s: Shared, namespace: string): EncodedResource {
    let route = s.outboundRoutes.get(namespace);
    if (!route) {
      const name = SidecarResourceNames.outboundRoute;
      const vhosts = snapshot.services.map((svc) => toVirtualHost(svc, { domains: domainsFor(svc, namespace) }));
      route = encode(ROUTES_TYPE, TypeUrl.RouteConfiguration, name, toRouteConfiguration(name, vhosts));
      s.outboundRoutes.set(namespace, route);
    }
    return route;
  }

  function apiListeners(snapshot: MeshSnapshot, s: Shared, namespace: string): Map<string, EncodedResource> {
    let listeners = s.apiListeners.get(namespace);
    if (!listeners) {
      listeners = new Map();
      // Every authority a client may dial: xds:///reviews (its own namespace), xds:///reviews.default:9080, ...
      for (const svc of snapshot.services) {
        for (const name of domainsFor(svc, namespace)) listeners.set(name, encode(LISTENERS_TYPE, TypeUrl.Listener, name, toApiListener(name, svc.key)));
      }
      s.apiListeners.set(namespace, listeners);
    }
    return listeners;
  }

  function shared(snapshot: MeshSnapshot): Shared {
    let s = sharedBySnapshot.get(snapshot);
    if (!s) {
      s = buildShared(snapshot);
      sharedBySnapshot.set(snapshot, s);
    }
    return s;
  }

  function sidecarResources(snapshot: MeshSnapshot, s: Shared, meta: SidecarMetadata): NodeResources {
    const n = SidecarResourceNames;
    const ownKey = `${meta.service}.${meta.namespace}`;
    // The sidecar's own service as the mesh knows it; before its first registration, as it describes itself.
    const own = snapshot.profiles.get(ownKey) ?? { protocol: meta.protocol, mtlsMode: POLICY_DEFAULTS.mtlsMode };
    const clusters = new Map(s.sidecarClusters);
    clusters.set(n.localAppCluster, encode(CLUSTER_TYPE, TypeUrl.Cluster, n.localAppCluster, toLocalAppCluster(n.localAppCluster, meta.app, own.protocol)));
    const inbound = toInboundListener({
      name: n.inboundListener,
      address: meta.inbound,
      protocol: own.protocol,
      routeConfigName: n.inboundRoute,
      localCluster: n.localAppCluster,
      mtlsMode: own.mtlsMode,
      trustDomain,
    });
    const listeners = new Map<string, EncodedResource>([
      [n.inboundListener, encode(LISTENERS_TYPE, TypeUrl.Listener, n.inboundListener, inbound)],
      [n.outboundListener, encode(LISTENERS_TYPE, TypeUrl.Listener, n.outboundListener, toOutboundListener(n.outboundListener, meta.outbound, n.outboundRoute))],
    ]);
    // A TCP service's own instances do not get its outbound port: the app itself may listen there.
    for (const [key, listener] of s.tcpListeners) if (key !== ownKey) listeners.set(listener.name, listener);
    const routes = new Map<string, EncodedResource>([
      [n.outboundRoute, outboundRoute(snapshot, s, meta.namespace)],
      [n.inboundRoute, s.inboundRoute],
    ]);
    return new Map<string, ResourceSet>([
      [TypeUrl.Cluster, clusters],
      [TypeUrl.ClusterLoadAssignment, s.endpoints],
      [TypeUrl.Listener, listeners],
      [TypeUrl.RouteConfiguration, routes],
    ]);
  }

  return {
    forNode(snapshot: MeshSnapshot, profile: NodeProfile): NodeResources {
      const s = shared(snapshot);
      if (profile.kind === "sidecar") return sidecarResources(snapshot, s, profile.meta);
      return new Map<string, ResourceSet>([
        [TypeUrl.Cluster, s.genericClusters],
        [TypeUrl.ClusterLoadAssignment, s.endpoints],
        [TypeUrl.Listener, apiListeners(snapshot, s, profile.namespace)],
        [TypeUrl.RouteConfiguration, s.serviceRoutes],
      ]);
    },
  };
}

export type ResourceBuilder = ReturnType<typeof createResourceBuilder>;
