// RDS: RouteConfiguration -> RouteTable. Domains exact (with or without port), `*.suffix`,
// `prefix.*` or "*"; path prefix/exact/safe_regex; header (incl. :method/:authority) and query
// parameter matchers; cluster or weighted_clusters actions with their policy (route-policy.ts).
// Any other match kind, action or field is NACKed as "not supported yet" rather than ignored.
import { parseClusterName } from "@weft/contracts";
import type { HeaderOp } from "../../core/traffic-policy";
import type { PathMatch, Route, RouteTable, VirtualHost, WeightedCluster } from "../../core/runtime-config";
import { firstSet, nack, NOT_YET, u32, type RouteConfiguration, type RouteWire, type TypedConfig, type VirtualHostWire } from "./wire";
import type { HeaderMatcherPolicyWire, HeaderMutationWire, QueryParameterMatcherWire, RegexMatcherWire, RouteActionPolicyWire } from "./policy-wire";
import { compileRegex, toHeaderMatcher, toQueryMatcher } from "./string-match";
import { headerLevel, toRoutePolicy } from "./route-policy";

const KNOWN_HOSTS_SHOWN = 10;

type RouteFull = Omit<RouteWire, "match" | "route"> &
  HeaderMutationWire & {
    match?: Omit<NonNullable<RouteWire["match"]>, "headers" | "query_parameters"> & { safe_regex?: RegexMatcherWire; headers?: HeaderMatcherPolicyWire[]; query_parameters?: QueryParameterMatcherWire[] };
    route?: NonNullable<RouteWire["route"]> & RouteActionPolicyWire;
    typed_per_filter_config?: Record<string, TypedConfig>;
  };
type VirtualHostFull = Omit<VirtualHostWire, "routes"> & HeaderMutationWire & { routes?: RouteFull[] };
type RouteConfigurationFull = Omit<RouteConfiguration, "virtual_hosts"> & HeaderMutationWire & { virtual_hosts?: VirtualHostFull[] };

function toPathMatch(route: RouteFull, where: string): PathMatch {
  const m = route.match;
  if (m === undefined) return nack(where, "match is missing");
  const unsupported = firstSet(m, ["connect_matcher", "path_separated_prefix", "path_match_policy", "grpc", "runtime_fraction", "dynamic_metadata", "filter_state", "tls_context"]);
  if (unsupported) nack(where, `match.${unsupported} ${NOT_YET}`);
  const ignoreCase = m.case_sensitive !== undefined && m.case_sensitive.value === false;
  if (m.safe_regex !== undefined) {
    return { kind: "regex", value: m.safe_regex.regex ?? "", ignoreCase: false, regex: compileRegex(m.safe_regex, `${where} match.safe_regex`, ignoreCase) };
  }
  const value = m.path ?? m.prefix ?? ""; // no path specifier at all: `prefix: ""` (every path)
  return { kind: m.path !== undefined ? "exact" : "prefix", value: ignoreCase ? value.toLowerCase() : value, ignoreCase, regex: undefined };
}

function toRoute(r: RouteFull, where: string, index: number, outer: ReadonlyArray<HeaderOp[][]>): Route {
  const action = firstSet(r, ["redirect", "direct_response", "filter_action", "non_forwarding_action"]);
  if (action) nack(where, `${action} action ${NOT_YET}`);
  const other = firstSet(r, ["request_headers_to_add_on_response", "tracing", "per_request_buffer_limit_bytes", "request_body_buffer_limit", "stat_prefix"]);
  if (other) nack(where, `${other} ${NOT_YET}`);
  const path = toPathMatch(r, where);
  const headers = (r.match?.headers ?? []).map((h, i) => toHeaderMatcher(h, `${where} match.headers[${i}]`));
  const queryParameters = ((r.match?.query_parameters ?? []) as QueryParameterMatcherWire[]).map((q, i) => toQueryMatcher(q, `${where} match.query_parameters[${i}]`));
  const a = r.route;
  if (a === undefined) return nack(where, "route action is missing");
  const unsupported = firstSet(a, [
    "cluster_header", "cluster_specifier_plugin", "inline_cluster_specifier_plugin", "regex_rewrite", "path_rewrite_policy",
    "host_rewrite_literal", "host_rewrite_header", "host_rewrite_path_regex", "append_x_forwarded_host", "request_mirror_policy",
    "metadata_match",
  ]);
  if (unsupported) nack(where, `route.${unsupported} ${NOT_YET}`);
  const notFound = a.cluster_not_found_response_code;
  if (notFound !== undefined && notFound !== "SERVICE_UNAVAILABLE") {
    nack(where, `route.cluster_not_found_response_code ${notFound} ${NOT_YET} (a route to a missing cluster is answered 503 WEFT_CLUSTER_NOT_FOUND)`);
  }
  if (a.auto_host_rewrite?.value) nack(where, `route.auto_host_rewrite ${NOT_YET}`);
  let clusters: WeightedCluster[];
  if (a.cluster) {
    clusters = [{ name: a.cluster, weight: 1 }];
  } else if (a.weighted_clusters) {
    const legs = a.weighted_clusters.clusters ?? [];
    if (legs.length === 0) nack(where, "weighted_clusters has no clusters");
    if (a.weighted_clusters.header_name) nack(where, `weighted_clusters.header_name ${NOT_YET}`);
    legs.forEach((leg, i) => {
      if (!leg.name) nack(`${where} weighted_clusters.clusters[${i}]`, "name is empty");
      const legExtra = firstSet(leg as Record<string, unknown>, ["request_headers_to_add", "request_headers_to_remove", "response_headers_to_add", "response_headers_to_remove", "typed_per_filter_config", "host_rewrite_literal", "cluster_header"]);
      if (legExtra) nack(`${where} weighted_clusters.clusters[${i}]`, `${legExtra} ${NOT_YET}`);
    });
    // Zero-weight legs never receive traffic; leave them out of the draw.
    const weighted = legs.map((leg) => ({ name: leg.name!, weight: u32(leg.weight) ?? 0 }));
    const declared = u32(a.weighted_clusters.total_weight);
    const sum = weighted.reduce((s, c) => s + c.weight, 0);
    if (declared !== undefined && declared !== 0 && declared !== sum) nack(where, `weighted_clusters.total_weight ${declared} is not the sum of the weights (${sum}); leave it out`);
    clusters = weighted.filter((leg) => leg.weight > 0);
    if (clusters.length === 0) nack(where, "weighted_clusters weights sum to 0");
  } else {
    return nack(where, "route has neither cluster nor weighted_clusters");
  }
  const totalWeight = clusters.reduce((s, c) => s + c.weight, 0);
  const policy = toRoutePolicy(a, r, outer, path.kind, where);
  return { name: r.name || `route[${index}]`, path, headers, queryParameters, clusters, totalWeight, policy };
}

const VHOST_UNSUPPORTED = [
  "require_tls", "virtual_clusters", "rate_limits", "cors", "typed_per_filter_config", "retry_policy", "retry_policy_typed_config",
  "hedge_policy", "per_request_buffer_limit_bytes", "request_mirror_policies", "matcher", "include_request_attempt_count",
  "include_attempt_count_in_response", "request_body_buffer_limit",
];

function toVirtualHost(v: VirtualHostFull, where: string, rcLevel: HeaderOp[][]): VirtualHost {
  const domains = (v.domains ?? []).map((d) => d.toLowerCase());
  if (domains.length === 0) nack(where, "domains is empty");
  for (const d of domains) {
    const stars = d.split("*").length - 1;
    if (stars > 1 || (stars === 1 && d !== "*" && !d.startsWith("*") && !d.endsWith("*"))) {
      nack(where, `domain "${d}": a wildcard must be the whole domain, its first or its last character`);
    }
  }
  const unsupported = firstSet(v as object, VHOST_UNSUPPORTED);
  if (unsupported) nack(where, `${unsupported} ${NOT_YET}`);
  const outer = [headerLevel(v, where), rcLevel];
  const routes = (v.routes ?? []).map((r, i) => toRoute(r, `${where} route[${i}]`, i, outer));
  const parsed = v.name ? parseClusterName(v.name) : undefined;
  return {
    name: v.name ?? "",
    domains,
    routes,
    identity: parsed && { service: parsed.service, namespace: parsed.namespace, version: "" },
  };
}

const RC_UNSUPPORTED = [
  "vhds", "internal_only_headers", "cluster_specifier_plugins", "request_mirror_policies", "typed_per_filter_config",
  "max_direct_response_body_size_bytes", "response_headers_to_add_on_local_reply", "most_specific_header_mutations_wins",
];

export function toRouteTable(rc: RouteConfigurationFull, index: number): RouteTable {
  if (!rc.name) nack(`route_configuration[${index}]`, "name is empty");
  const where = `route "${rc.name}"`;
  const unsupported = firstSet(rc as object, RC_UNSUPPORTED);
  if (unsupported) nack(where, `${unsupported} ${NOT_YET}`);
  if (rc.validate_clusters?.value === true) {
    nack(where, `validate_clusters ${NOT_YET} (a route to a missing cluster is answered 503 WEFT_CLUSTER_NOT_FOUND)`);
  }
  const rcLevel = headerLevel(rc, where);
  const byDomain = new Map<string, VirtualHost>();
  const suffixWildcards: Array<{ suffix: string; vhost: VirtualHost }> = [];
  const prefixWildcards: Array<{ prefix: string; vhost: VirtualHost }> = [];
  const claimed = new Map<string, VirtualHost>();
  let wildcard: VirtualHost | undefined;
  const virtualHosts = (rc.virtual_hosts ?? []).map((v, i) => {
    const vhost = toVirtualHost(v, `${where} virtual_host "${v.name ?? `#${i}`}"`, rcLevel);
    for (const d of vhost.domains) {
      const other = claimed.get(d);
      if (other !== undefined) nack(`${where} virtual_host "${vhost.name}"`, `domain "${d}" is also claimed by virtual_host "${other.name}"`);
      claimed.set(d, vhost);
      if (d === "*") wildcard = vhost;
      else if (d.startsWith("*")) suffixWildcards.push({ suffix: d.slice(1), vhost });
      else if (d.endsWith("*")) prefixWildcards.push({ prefix: d.slice(0, -1), vhost });
      else byDomain.set(d, vhost);
    }
    return vhost;
  });
  // Longest wildcard first, as Envoy.
  suffixWildcards.sort((a, b) => b.suffix.length - a.suffix.length);
  prefixWildcards.sort((a, b) => b.prefix.length - a.prefix.length);
  const names = virtualHosts.map((v) => v.domains.find((d) => !d.includes("*")) ?? v.name).sort();
  const knownHosts =
    names.length === 0
      ? "(none)"
      : names.slice(0, KNOWN_HOSTS_SHOWN).join(", ") + (names.length > KNOWN_HOSTS_SHOWN ? `, … (${names.length - KNOWN_HOSTS_SHOWN} more)` : "");
  return { name: rc.name, virtualHosts, byDomain, wildcard, suffixWildcards, prefixWildcards, knownHosts };
}

/** RDS response -> route tables by name. */
export function toRouteTables(resources: readonly RouteConfiguration[]): Map<string, RouteTable> {
  const out = new Map<string, RouteTable>();
  resources.forEach((rc, i) => {
    const table = toRouteTable(rc as RouteConfigurationFull, i);
    if (out.has(table.name)) nack(`route "${table.name}"`, "appears twice in the response");
    out.set(table.name, table);
  });
  return out;
}
