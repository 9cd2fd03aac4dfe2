// Route selection, pure: authority -> virtual host (exact domain incl. port, then the host without
// its port, then "*"), then the first route whose path and header matchers all hold.
import type { IncomingHttpHeaders } from "node:http";
import type { HeaderMatcher, Route, RouteTable, VirtualHost } from "../core/runtime-config";

/** `authority` must be lower-case (the exchange lower-cases it once). */
export function findVirtualHost(table: RouteTable, authority: string): VirtualHost | undefined {
  const exact = table.byDomain.get(authority);
  if (exact !== undefined) return exact;
  const host = hostOf(authority);
  if (host !== authority) {
    const byHost = table.byDomain.get(host);
    if (byHost !== undefined) return byHost;
  }
  return table.wildcard;
}

/** `reviews:9080` -> `reviews`; `[::1]:80` -> `[::1]`. */
export function hostOf(authority: string): string {
  const colon = authority.lastIndexOf(":");
  if (colon === -1 || authority.indexOf("]", colon) !== -1) return authority;
  return authority.slice(0, colon);
}

/** First route that matches `path` (no query string) and `headers`; routes are in priority order. */
export function matchRoute(vhost: VirtualHost, path: string, headers: IncomingHttpHeaders): Route | undefined {
  const routes = vhost.routes;
  for (let i = 0; i < routes.length; i++) {
    const route = routes[i]!;
    const p = route.path;
    if (p.kind === "prefix" ? !path.startsWith(p.value) : path !== p.value) continue;
    if (route.headers.length === 0 || headersMatch(route.headers, headers)) return route;
  }
  return undefined;
}

function headersMatch(matchers: readonly HeaderMatcher[], headers: IncomingHttpHeaders): boolean {
  for (let i = 0; i < matchers.length; i++) {
    const m = matchers[i]!;
    const raw = headers[m.name];
    // Repeated headers arrive joined by ", " except set-cookie (an array); match the joined form.
    const value = raw === undefined ? undefined : typeof raw === "string" ? raw : raw.join(",");
    let ok: boolean;
    if (value === undefined) ok = false;
    else if (m.kind === "present") ok = true;
    else if (m.kind === "exact") ok = value === m.value;
    else ok = value.startsWith(m.value);
    if (ok === m.invert) return false;
  }
  return true;
}
