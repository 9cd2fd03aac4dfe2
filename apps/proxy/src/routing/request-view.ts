// What matchers may look at in a request: method, authority, path (with query) and headers,
// including the HTTP/2-style pseudo-headers Envoy's header matchers use.
import type { IncomingHttpHeaders } from "node:http";

export interface RequestView {
  readonly method: string;
  /** Lower-case `host[:port]`. */
  readonly authority: string;
  /** Path plus query. */
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

/** A header's value as matchers see it: repeated headers joined with ","; pseudo-headers from the request line. */
export function headerValue(req: RequestView, name: string): string | undefined {
  if (name.charCodeAt(0) === 58 /* : */) {
    switch (name) {
      case ":method":
        return req.method;
      case ":authority":
        return req.authority;
      case ":path":
        return req.path;
      case ":scheme":
        return "http";
      default:
        return undefined;
    }
  }
  const raw = req.headers[name];
  // Repeated headers arrive joined by ", " except set-cookie (an array); match the joined form.
  return raw === undefined ? undefined : typeof raw === "string" ? raw : raw.join(",");
}

/** First value of query parameter `name` (not percent-decoded, as Envoy), "" for `?name`, undefined if absent. */
export function queryValue(path: string, name: string): string | undefined {
  const q = path.indexOf("?");
  if (q === -1) return undefined;
  let start = q + 1;
  while (start <= path.length) {
    let end = path.indexOf("&", start);
    if (end === -1) end = path.length;
    const eq = path.indexOf("=", start);
    const keyEnd = eq !== -1 && eq < end ? eq : end;
    if (keyEnd - start === name.length && path.startsWith(name, start)) {
      return keyEnd === end ? "" : path.slice(keyEnd + 1, end);
    }
    start = end + 1;
  }
  return undefined;
}
