// Route selection, pure: authority -> virtual host (exact domain incl. port, the host without its
// port, then suffix wildcards `*.x`, prefix wildcards `x.*` — longest first — then "*"), then the
// first route whose path, header (incl. `:method`/`:authority`) and query matchers all hold.
import type { HeaderMatcher, Route, RouteTable, VirtualHost } from "../core/runtime-config";
import type { QueryParameterMatcher } from "../core/traffic-policy";
import { headerValue, queryValue, type RequestView } from "./request-view";
import { matchValue } from "./value-match";

/** `authority` must be lower-case (the exchange lower-cases it once). */
export function findVirtualHost(table: RouteTable, authority: string): VirtualHost | undefined {
  const exact = table.byDomain.get(authority);
  if (exact !== undefined) return exact;
  const host = hostOf(authority);
  if (host !== authority) {
    const byHost = table.byDomain.get(host);
    if (byHost !== undefined) return byHost;
  }
  const suffixes = table.suffixWildcards;
  for (let i = 0; i < suffixes.length; i++) {
    const w = suffixes[i]!;
    // The wildcard stands for at least one character (Envoy).
    if ((host.length > w.suffix.length && host.endsWith(w.suffix)) || (authority.length > w.suffix.length && authority.endsWith(w.suffix))) return w.vhost;
  }
  const prefixes = table.prefixWildcards;
  for (let i = 0; i < prefixes.length; i++) {
    const w = prefixes[i]!;
    if (authority.length > w.prefix.length && authority.startsWith(w.prefix)) return w.vhost;
  }
  return table.wildcard;
}

/** `reviews:9080` -> `reviews`; `[::1]:80` -> `[::1]`. */
export function hostOf(authority: string): string {
  const colon = authority.lastIndexOf(":");
  if (colon === -1 || authority.indexOf("]", colon) !== -1) return authority;
  return authority.slice(0, colon);
}

/** First route of `vhost` (priority order) that matches the request. */
export function matchRoute(vhost: VirtualHost, req: RequestView): Route | undefined {
  const routes = vhost.routes;
  const q = req.path.indexOf("?");
  const path = q === -1 ? req.path : req.path.slice(0, q);
  let lowerPath: string | undefined;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const p = route.path;
    let candidate = path;
    if (p.ignoreCase) candidate = lowerPath ??= path.toLowerCase();
    if (p.kind === "prefix") {
      if (!candidate.startsWith(p.value)) continue;
    } else if (p.kind === "exact") {
      if (candidate !== p.value) continue;
    } else if (!p.regex!.test(candidate)) continue;
    if (route.headers.length !== 0 && !headersMatch(route.headers, req)) continue;
    if (route.queryParameters.length !== 0 && !queryMatch(route.queryParameters, req.path)) continue;
    return route;
  }
  return undefined;
}

/** Whether every matcher holds (each may be inverted); absent headers only match inverted matchers. */
export function headersMatch(matchers: readonly HeaderMatcher[], req: RequestView): boolean {
  for (let i = 0; i < matchers.length; i++) if (!headerMatches(matchers[i]!, req)) return false;
  return true;
}

/** One matcher, inversion applied. */
export function headerMatches(m: HeaderMatcher, req: RequestView): boolean {
  const value = headerValue(req, m.name);
  return (value !== undefined && matchValue(m, value)) !== m.invert;
}

function queryMatch(matchers: readonly QueryParameterMatcher[], path: string): boolean {
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    const value = queryValue(path, m.name);
    if (value === undefined || !matchValue(m, value)) return false;
  }
  return true;
}
