// Which xDS resources each kind of client sees, encoded once per snapshot and shared between
// streams (a mesh-wide cluster is encoded once, not once per connected proxy).
import { createHash } from "node:crypto";
import { SidecarResourceNames, type SidecarMetadata } from "@weft/contracts";
import { TypeUrl, type Protos } from "@weft/contracts/proto";
import type { MeshSnapshot } from "../../domain/snapshot";
import { CLUSTER_TYPE, toCluster, toLocalAppCluster } from "./translate/clusters";
import { ENDPOINTS_TYPE, toClusterLoadAssignment } from "./translate/endpoints";
import { LISTENERS_TYPE, toApiListener, toSidecarListener } from "./translate/listeners";
import { ROUTES_TYPE, toInboundRouteConfiguration, toRouteConfiguration, toVirtualHost } from "./translate/routes";

export interface EncodedResource {
  name: string;
  any: { type_url: string; value: Uint8Array };
  hash: string;
}
export type ResourceSet = ReadonlyMap<string, EncodedResource>;
export type NodeResources = ReadonlyMap<string, ResourceSet>;

export type NodeProfile = { kind: "sidecar"; meta: SidecarMetadata } | { kind: "generic" };

interface Shared {
  clusters: Map<string, EncodedResource>;
  endpoints: Map<string, EncodedResource>;
  outboundRoute: EncodedResource;
  inboundRoute: EncodedResource;
  apiListeners: Map<string, EncodedResource>;
  serviceRoutes: Map<string, EncodedResource>;
}

export function createResourceBuilder(protos: Protos) {
  const sharedBySnapshot = new WeakMap<MeshSnapshot, Shared>();

  function encode(typeName: string, typeUrl: string, name: string, object: Record<string, unknown>): EncodedResource {
    const value = protos.encode(typeName, object);
    return { name, any: { type_url: typeUrl, value }, hash: createHash("sha1").update(value).digest("hex").slice(0, 16) };
  }

  function buildShared(snapshot: MeshSnapshot): Shared {
    const clusters = new Map<string, EncodedResource>();
    for (const c of snapshot.clusters) clusters.set(c.name, encode(CLUSTER_TYPE, TypeUrl.Cluster, c.name, toCluster(c)));
    const endpoints = new Map<string, EncodedResource>();
    for (const [name, eps] of snapshot.endpoints) {
      endpoints.set(name, encode(ENDPOINTS_TYPE, TypeUrl.ClusterLoadAssignment, name, toClusterLoadAssignment(name, eps)));
    }
    const outName = SidecarResourceNames.outboundRoute;
    const outboundRoute = encode(ROUTES_TYPE, TypeUrl.RouteConfiguration, outName, toRouteConfiguration(outName, snapshot.services.map((s) => toVirtualHost(s))));
    const inName = SidecarResourceNames.inboundRoute;
    const inboundRoute = encode(ROUTES_TYPE, TypeUrl.RouteConfiguration, inName, toInboundRouteConfiguration(inName, SidecarResourceNames.localAppCluster));
    const apiListeners = new Map<string, EncodedResource>();
    const serviceRoutes = new Map<string, EncodedResource>();
    for (const s of snapshot.services) {
      serviceRoutes.set(s.key, encode(ROUTES_TYPE, TypeUrl.RouteConfiguration, s.key, toRouteConfiguration(s.key, [toVirtualHost(s, ["*"])])));
      // Every authority a client may dial: xds:///reviews, xds:///reviews.default:9080, ...
      for (const name of s.domains) apiListeners.set(name, encode(LISTENERS_TYPE, TypeUrl.Listener, name, toApiListener(name, s.key)));
    }
    return { clusters, endpoints, outboundRoute, inboundRoute, apiListeners, serviceRoutes };
  }

  function shared(snapshot: MeshSnapshot): Shared {
    let s = sharedBySnapshot.get(snapshot);
    if (!s) {
      s = buildShared(snapshot);
      sharedBySnapshot.set(snapshot, s);
    }
    return s;
  }

  function sidecarResources(s: Shared, meta: SidecarMetadata): NodeResources {
    const n = SidecarResourceNames;
    const clusters = new Map(s.clusters);
    clusters.set(n.localAppCluster, encode(CLUSTER_TYPE, TypeUrl.Cluster, n.localAppCluster, toLocalAppCluster(n.localAppCluster, meta.app)));
    const listeners = new Map<string, EncodedResource>([
      [n.inboundListener, encode(LISTENERS_TYPE, TypeUrl.Listener, n.inboundListener, toSidecarListener(n.inboundListener, meta.inbound, "INBOUND", n.inboundRoute))],
      [n.outboundListener, encode(LISTENERS_TYPE, TypeUrl.Listener, n.outboundListener, toSidecarListener(n.outboundListener, meta.outbound, "OUTBOUND", n.outboundRoute))],
    ]);
    const routes = new Map<string, EncodedResource>([
      [n.outboundRoute, s.outboundRoute],
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
      if (profile.kind === "sidecar") return sidecarResources(s, profile.meta);
      return new Map<string, ResourceSet>([
        [TypeUrl.Cluster, s.clusters],
        [TypeUrl.ClusterLoadAssignment, s.endpoints],
        [TypeUrl.Listener, s.apiListeners],
        [TypeUrl.RouteConfiguration, s.serviceRoutes],
      ]);
    },
  };
}

export type ResourceBuilder = ReturnType<typeof createResourceBuilder>;
