// RDS: RouteConfiguration -> RouteTable. Domains exact (with or without port) or "*"; path
// prefix/exact; header exact/prefix/present with invert; cluster or weighted_clusters actions.
// Any other match kind or action is NACKed as "not supported yet" rather than silently ignored.
import { parseClusterName } from "@weft/contracts";
import type { HeaderMatcher, PathMatch, Route, RouteTable, VirtualHost, WeightedCluster } from "../../core/runtime-config";
import {
  firstSet,
  nack,
  NOT_YET,
  u32,
  type HeaderMatcherWire,
  type RouteConfiguration,
  type RouteWire,
  type VirtualHostWire,
} from "./wire";

const KNOWN_HOSTS_SHOWN = 10;

function toPathMatch(route: RouteWire, where: string): PathMatch {
  const m = route.match;
  if (m === undefined) return nack(where, "match is missing");
  const unsupported = firstSet(m, ["safe_regex", "connect_matcher", "path_separated_prefix", "path_match_policy", "grpc", "runtime_fraction", "query_parameters", "dynamic_metadata"]);
  if (unsupported) nack(where, `match.${unsupported} ${NOT_YET}`);
  if (m.case_sensitive !== undefined && m.case_sensitive.value === false) nack(where, `match.case_sensitive=false ${NOT_YET}`);
  if (m.path !== undefined) return { kind: "exact", value: m.path };
  // No path specifier at all: treated as `prefix: ""` (match every path).
  return { kind: "prefix", value: m.prefix ?? "" };
}

function toHeaderMatcher(h: HeaderMatcherWire, where: string): HeaderMatcher {
  if (!h.name) nack(where, "name is empty");
  const name = h.name.toLowerCase();
  if (name.startsWith(":")) nack(where, `pseudo-header ${name} ${NOT_YET}`);
  const invert = h.invert_match === true;
  const legacy = firstSet(h, ["exact_match", "prefix_match", "suffix_match", "contains_match", "safe_regex_match", "range_match"]);
  if (legacy) nack(where, `${legacy} ${NOT_YET}; use string_match.exact / string_match.prefix / present_match`);
  const sm = h.string_match;
  if (sm !== undefined) {
    if (sm.ignore_case) nack(where, `string_match.ignore_case ${NOT_YET}`);
    const other = firstSet(sm, ["suffix", "contains", "safe_regex"]);
    if (other) nack(where, `string_match.${other} ${NOT_YET}`);
    if (sm.exact !== undefined) return { name, kind: "exact", value: sm.exact, invert };
    if (sm.prefix !== undefined) return { name, kind: "prefix", value: sm.prefix, invert };
    return nack(where, "string_match sets no matcher");
  }
  // `present_match: false` means "header is absent"; with no specifier at all Envoy matches on presence.
  const present = h.present_match !== false;
  return { name, kind: "present", value: "", invert: present ? invert : !invert };
}

function toRoute(r: RouteWire, where: string, index: number): Route {
  const action = firstSet(r, ["redirect", "direct_response", "filter_action", "non_forwarding_action"]);
  if (action) nack(where, `${action} action ${NOT_YET}`);
  const path = toPathMatch(r, where);
  const headers = (r.match?.headers ?? []).map((h, i) => toHeaderMatcher(h, `${where} match.headers[${i}]`));
  const a = r.route;
  if (a === undefined) return nack(where, "route action is missing");
  const unsupported = firstSet(a, [
    "cluster_header", "cluster_specifier_plugin", "inline_cluster_specifier_plugin", "prefix_rewrite", "regex_rewrite",
    "host_rewrite_literal", "host_rewrite_header", "host_rewrite_path_regex",
  ]);
  if (unsupported) nack(where, `route.${unsupported} ${NOT_YET}`);
  if (a.auto_host_rewrite?.value) nack(where, `route.auto_host_rewrite ${NOT_YET}`);
  let clusters: WeightedCluster[];
  if (a.cluster) {
    clusters = [{ name: a.cluster, weight: 1 }];
  } else if (a.weighted_clusters) {
    const legs = a.weighted_clusters.clusters ?? [];
    if (legs.length === 0) nack(where, "weighted_clusters has no clusters");
    legs.forEach((leg, i) => {
      if (!leg.name) nack(`${where} weighted_clusters.clusters[${i}]`, "name is empty");
    });
    // Zero-weight legs never receive traffic; leave them out of the draw.
    clusters = legs.map((leg) => ({ name: leg.name!, weight: u32(leg.weight) ?? 0 })).filter((leg) => leg.weight > 0);
    if (clusters.length === 0) nack(where, "weighted_clusters weights sum to 0");
  } else {
    return nack(where, "route has neither cluster nor weighted_clusters");
  }
  const totalWeight = clusters.reduce((s, c) => s + c.weight, 0);
  return { name: r.name || `route[${index}]`, path, headers, clusters, totalWeight };
}

function toVirtualHost(v: VirtualHostWire, where: string): VirtualHost {
  const domains = (v.domains ?? []).map((d) => d.toLowerCase());
  if (domains.length === 0) nack(where, "domains is empty");
  for (const d of domains) {
    if (d !== "*" && d.includes("*")) nack(where, `wildcard domain "${d}" ${NOT_YET} (exact domains or "*")`);
  }
  const routes = (v.routes ?? []).map((r, i) => toRoute(r, `${where} route[${i}]`, i));
  const parsed = v.name ? parseClusterName(v.name) : undefined;
  return {
    name: v.name ?? "",
    domains,
    routes,
    identity: parsed && { service: parsed.service, namespace: parsed.namespace, version: "" },
  };
}

export function toRouteTable(rc: RouteConfiguration, index: number): RouteTable {
  if (!rc.name) nack(`route_configuration[${index}]`, "name is empty");
  const where = `route "${rc.name}"`;
  const byDomain = new Map<string, VirtualHost>();
  let wildcard: VirtualHost | undefined;
  const virtualHosts = (rc.virtual_hosts ?? []).map((v, i) => {
    const vhost = toVirtualHost(v, `${where} virtual_host "${v.name ?? `#${i}`}"`);
    for (const d of vhost.domains) {
      const other = d === "*" ? wildcard : byDomain.get(d);
      if (other !== undefined) nack(`${where} virtual_host "${vhost.name}"`, `domain "${d}" is also claimed by virtual_host "${other.name}"`);
      if (d === "*") wildcard = vhost;
      else byDomain.set(d, vhost);
    }
    return vhost;
  });
  const names = virtualHosts.map((v) => v.domains.find((d) => d !== "*") ?? v.name).sort();
  const knownHosts =
    names.length === 0
      ? "(none)"
      : names.slice(0, KNOWN_HOSTS_SHOWN).join(", ") + (names.length > KNOWN_HOSTS_SHOWN ? `, … (${names.length - KNOWN_HOSTS_SHOWN} more)` : "");
  return { name: rc.name, virtualHosts, byDomain, wildcard, knownHosts };
}

/** RDS response -> route tables by name. */
export function toRouteTables(resources: readonly RouteConfiguration[]): Map<string, RouteTable> {
  const out = new Map<string, RouteTable>();
  resources.forEach((rc, i) => {
    const table = toRouteTable(rc, i);
    if (out.has(table.name)) nack(`route "${table.name}"`, "appears twice in the response");
    out.set(table.name, table);
  });
  return out;
}
