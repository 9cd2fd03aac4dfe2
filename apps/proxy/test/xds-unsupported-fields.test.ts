// docs/xds-support.md: "A field the sidecar does not support is NACKed with a reason naming it —
// never silently ignored." Each case sets one Envoy field that changes what Envoy does and that the
// sidecar does not honour; each must be NACKed naming it (through the real protobuf encoding and the
// config store, as the ADS client applies updates). Also inputs Envoy rejects, and a NACK reason.
import { describe, expect, it } from "vitest";
import { jsonToStruct, loadProtos, TypeUrl, typeNameOf } from "@weft/contracts/proto";
import { createConfigStore } from "../src/discovery/config-store";
import { NackError } from "../src/discovery/translate/wire";
import { assignment, edsCluster, inboundRoutes, listener, routeConfig } from "./support/xds-fixtures";
import { tcpOutboundListener } from "./support/transport-fixtures";

const protos = loadProtos();
const wire = (t: string, rs: Record<string, unknown>[]) => rs.map((r) => protos.decode<Record<string, unknown>>(typeNameOf(t), protos.encode(typeNameOf(t), r)));
const bound = { inbound: { address: "127.0.0.1", port: 15006 }, outbound: { address: "127.0.0.1", port: 15001 } };

async function outcome(typeUrl: string, resources: Record<string, unknown>[]): Promise<string> {
  const store = createConfigStore({ bound });
  await store.apply(TypeUrl.Cluster, wire(TypeUrl.Cluster, [edsCluster("a.ns"), edsCluster("b.ns")]));
  try {
    await store.apply(typeUrl, wire(typeUrl, resources));
    return "ACK";
  } catch (err) {
    if (!(err instanceof NackError)) throw err;
    return `NACK ${err.message}`;
  }
}

const route = (action: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({ name: "r", match: { prefix: "/" }, route: { cluster: "a.ns", ...action }, ...extra });
const rds = (r: Record<string, unknown>, rc: Record<string, unknown> = {}) => [{ ...routeConfig("weft.outbound", [{ name: "a.ns", domains: ["a"], routes: [r] }]), ...rc }, inboundRoutes()];
const split = { weighted_clusters: { clusters: [{ name: "a.ns", weight: { value: 50 } }, { name: "b.ns", weight: { value: 50 } }] } };
function hcm(extra: Record<string, unknown>): Record<string, unknown>[] {
  const l = listener("weft.outbound", "127.0.0.1", 15001) as any;
  Object.assign(l.filter_chains[0].filters[0].typed_config, extra);
  return [l];
}

const IGNORED: Array<[field: string, typeUrl: string, resources: Record<string, unknown>[]]> = [
  // RDS
  ["most_specific_header_mutations_wins", TypeUrl.RouteConfiguration, rds(route({}, { request_headers_to_add: [{ header: { key: "x-a", value: "route" } }] }), { most_specific_header_mutations_wins: true, request_headers_to_add: [{ header: { key: "x-a", value: "rc" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }] })],
  ["cluster_not_found_response_code", TypeUrl.RouteConfiguration, rds(route({ cluster: "missing", cluster_not_found_response_code: "NOT_FOUND" }))],
  ["header_name", TypeUrl.RouteConfiguration, rds(route({ cluster: undefined, weighted_clusters: { ...split.weighted_clusters, header_name: "x-cluster" } }))],
  ["metadata_match", TypeUrl.RouteConfiguration, rds(route({ metadata_match: { filter_metadata: { "envoy.lb": jsonToStruct({ version: "v2" }) } } }))],
  ["disable_shadow_host_suffix_append", TypeUrl.RouteConfiguration, rds(route({ request_mirror_policies: [{ cluster: "b.ns", disable_shadow_host_suffix_append: true }] }))],
  // LDS: HttpConnectionManager
  ["normalize_path", TypeUrl.Listener, hcm({ normalize_path: { value: true } })],
  ["merge_slashes", TypeUrl.Listener, hcm({ merge_slashes: true })],
  ["path_with_escaped_slashes_action", TypeUrl.Listener, hcm({ path_with_escaped_slashes_action: "REJECT_REQUEST" })],
  ["request_timeout", TypeUrl.Listener, hcm({ request_timeout: { seconds: 1 } })],
  ["stream_idle_timeout", TypeUrl.Listener, hcm({ stream_idle_timeout: { seconds: 1 } })],
  ["max_request_headers_kb", TypeUrl.Listener, hcm({ max_request_headers_kb: { value: 1 } })],
  ["forward_client_cert_details", TypeUrl.Listener, hcm({ forward_client_cert_details: "SANITIZE_SET" })],
  // LDS: listener / chain / tcp_proxy
  ["use_proxy_proto", TypeUrl.Listener, (() => { const l = listener("weft.outbound", "127.0.0.1", 15001) as any; l.filter_chains[0].use_proxy_proto = { value: true }; return [l]; })()],
  ["bind_to_port", TypeUrl.Listener, [{ ...tcpOutboundListener("db", "default", 5432), bind_to_port: { value: false } }]],
  ["max_connect_attempts", TypeUrl.Listener, (() => { const l = tcpOutboundListener("db", "default", 5432) as any; l.filter_chains[0].filters[0].typed_config.max_connect_attempts = { value: 5 }; return [l]; })()],
  // CDS
  ["lb_subset_config", TypeUrl.Cluster, [{ ...edsCluster("a.ns"), lb_subset_config: { fallback_policy: "NO_FALLBACK", subset_selectors: [{ keys: ["version"] }] } }]],
  ["max_requests_per_connection", TypeUrl.Cluster, [{ ...edsCluster("a.ns"), max_requests_per_connection: { value: 1 } }]],
  ["transport_socket_match_criteria", TypeUrl.Cluster, [{ ...edsCluster("a.ns"), health_checks: [{ timeout: { seconds: 1 }, interval: { seconds: 1 }, healthy_threshold: { value: 1 }, unhealthy_threshold: { value: 1 }, http_health_check: { path: "/h" }, transport_socket_match_criteria: jsonToStruct({ "weft.io/tls-mode": "mtls" }) }] }]],
  ["filters", TypeUrl.Cluster, [{ ...edsCluster("a.ns"), filters: [{ name: "envoy.filters.upstream_network.example" }] }]],
  // EDS
  ["drop_overloads", TypeUrl.ClusterLoadAssignment, [{ ...assignment("a.ns", [{ port: 1 }]), policy: { drop_overloads: [{ category: "throttle", drop_percentage: { numerator: 100, denominator: "HUNDRED" } }] } }]],
  ["health_check_config", TypeUrl.ClusterLoadAssignment, [{ cluster_name: "a.ns", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 1 } }, health_check_config: { port_value: 2 } } }] }] }]],
  ["leds_cluster_locality_config", TypeUrl.ClusterLoadAssignment, [{ cluster_name: "a.ns", endpoints: [{ leds_cluster_locality_config: { leds_collection_name: "xdstp://x/envoy.config.endpoint.v3.LbEndpoint/a/*" } }] }]],
];

describe("fields Envoy honours are NACKed, not silently ignored", () => {
  it.each(IGNORED)("%s", async (field, typeUrl, resources) => {
    const result = await outcome(typeUrl, resources);
    expect(result.startsWith("NACK") && result.includes(field) ? "NACK naming the field" : result).toBe("NACK naming the field");
  });
});

describe("inputs Envoy rejects are NACKed", () => {
  it("weighted_clusters.total_weight that the weights do not sum to", async () => {
    expect(await outcome(TypeUrl.RouteConfiguration, rds(route({ cluster: undefined, weighted_clusters: { ...split.weighted_clusters, total_weight: { value: 7 } } })))).toMatch(/^NACK .*total_weight/);
  });
  it("validate_clusters: true with a route to a cluster CDS does not have", async () => {
    expect(await outcome(TypeUrl.RouteConfiguration, rds(route({ cluster: "missing" }), { validate_clusters: { value: true } }))).toMatch(/^NACK .*missing/);
  });
});

describe("NACK reasons", () => {
  it("a router filter whose typed_config has no @type says so", async () => {
    const l = listener("weft.outbound", "127.0.0.1", 15001) as any;
    l.filter_chains[0].filters[0].typed_config.http_filters = [{ name: "envoy.filters.http.router", typed_config: {} }];
    const result = await outcome(TypeUrl.Listener, [l]);
    expect(result).toContain("the last http filter must be envoy.filters.http.router (got envoy.filters.http.router with no typed_config @type)");
  });
});
