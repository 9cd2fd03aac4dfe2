// A mesh for traffic-policy integration tests: the sidecar's two listeners (outbound with the
// controller's HTTP filter chain: fault, local rate limit, router), the local app cluster, and
// one service "reviews" whose clusters, endpoints and routes each test states in Envoy shapes.
import { TypeUrl } from "@weft/contracts/proto";
import type { AdsTestServer } from "@weft/test-kit";
import { assignment, edsCluster, inboundRoutes, listener, staticCluster, type EndpointSpec, type MeshVersions } from "./xds-fixtures";
import { policyFilters } from "./policy-fixtures";

export interface PolicyMeshSpec {
  sidecar: { inboundPort: number; outboundPort: number; appPort: number };
  /** Clusters of the service (e.g. reviews.default|v1) with endpoints and Envoy cluster fields. */
  clusters: Array<{ name: string; endpoints: EndpointSpec[]; patch?: Record<string, unknown> }>;
  /** Routes of the `reviews.default` virtual host, as Envoy Route objects. */
  routes: Array<Record<string, unknown>>;
  vhost?: Record<string, unknown>;
}

export const REVIEWS_DOMAINS = ["reviews", "reviews:9080", "reviews.default", "reviews.default:9080"];

export function setPolicyMesh(ads: AdsTestServer, spec: PolicyMeshSpec): MeshVersions {
  const outbound = listener("weft.outbound", "127.0.0.1", spec.sidecar.outboundPort) as any;
  outbound.filter_chains[0].filters[0].typed_config.http_filters = policyFilters();
  return {
    cds: ads.set(TypeUrl.Cluster, [staticCluster("weft.inbound|local", [{ port: spec.sidecar.appPort }]), ...spec.clusters.map((c) => ({ ...edsCluster(c.name), ...c.patch }))]),
    eds: ads.set(TypeUrl.ClusterLoadAssignment, spec.clusters.map((c) => assignment(c.name, c.endpoints))),
    lds: ads.set(TypeUrl.Listener, [listener("weft.inbound", "127.0.0.1", spec.sidecar.inboundPort), outbound]),
    rds: ads.set(TypeUrl.RouteConfiguration, [
      { name: "weft.outbound", virtual_hosts: [{ name: "reviews.default", domains: REVIEWS_DOMAINS, routes: spec.routes, ...spec.vhost }] },
      inboundRoutes(),
    ]),
  };
}
