// Header fields as both HTTP/2 sessions check, collect and send them: which names HTTP/2 forbids,
// repeated fields combined the way node:http2 (and node:http) present them, header objects back to
// flat pairs, and trailers' never-indexed names carried along for the next hop.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import { checkInvalidHeaderChar, checkIsHttpToken } from "../http1/llhttp";

/**
 * On a trailers object: the names its sender marked "never indexed" (HPACK §6.2.3), so a proxy
 * sends them on the same way (RFC 7541 §7.1.3). A symbol: invisible to every reader that lists fields.
 */
export const NEVER_INDEXED = Symbol("weft.neverIndexed");
type Marked = { [NEVER_INDEXED]?: readonly string[] };

/** The never-indexed names a trailers object carries (see NEVER_INDEXED), if any. */
export function neverIndexedOf(headers: OutgoingHttpHeaders | IncomingHttpHeaders | undefined): readonly string[] | undefined {
  return headers === undefined ? undefined : (headers as Marked)[NEVER_INDEXED];
}

/**
 * Fields never sent on in trailers, whoever put them there (a chunked HTTP/1.1 message may carry
 * anything): framing, routing and request modifiers (RFC 9110 §6.5.1), which an HTTP/2 peer may
 * take as a malformed message (`te`, a `content-length` that does not match).
 */
const NOT_IN_TRAILERS = new Set(["content-length", "host", "te", "trailer", "http2-settings", "expect", "max-forwards", "range"]);

/** Header fields as flat pairs: names lower-cased, connection-specific and pseudo fields left out. */
export function toFields(fields: string[], headers: OutgoingHttpHeaders): string[] {
  return appendFields(fields, headers, undefined);
}

/** Trailer fields as flat pairs, as toFields, and without the fields trailers must not carry on. */
export function toTrailerFields(trailers: OutgoingHttpHeaders): string[] {
  return appendFields([], trailers, NOT_IN_TRAILERS);
}

/**
 * Trailers for an HTTP/1.1 next hop (the last chunk of a chunked body): a copy without pseudo,
 * connection-specific and NOT_IN_TRAILERS fields. HPACK's never-indexed marks have no meaning there.
 */
export function forwardableTrailers(trailers: OutgoingHttpHeaders | IncomingHttpHeaders): OutgoingHttpHeaders {
  const out: OutgoingHttpHeaders = {};
  for (const key in trailers) {
    const value = trailers[key];
    const name = key.toLowerCase();
    if (value !== undefined && !leftOut(name, NOT_IN_TRAILERS)) out[name] = value;
  }
  return out;
}

/** A (lower-case) field name a next hop never gets: connection-specific, a pseudo-header, or one of `skip`. */
function leftOut(name: string, skip: ReadonlySet<string> | undefined): boolean {
  return CONNECTION_SPECIFIC.has(name) || name.charCodeAt(0) === 58 /* : */ || skip?.has(name) === true;
}

function appendFields(fields: string[], headers: OutgoingHttpHeaders, skip: ReadonlySet<string> | undefined): string[] {
  for (const key in headers) {
    const value = headers[key];
    if (value === undefined) continue;
    const name = key.toLowerCase();
    if (leftOut(name, skip)) continue;
    if (typeof value === "string") fields.push(name, value);
    else if (Array.isArray(value)) for (const v of value) fields.push(name, v);
    else fields.push(name, String(value));
  }
  return fields;
}

/** Connection-specific fields HTTP/2 forbids (RFC 9113 §8.2.2); `te` is allowed only as "trailers" (requests). */
export const CONNECTION_SPECIFIC = new Set(["connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade"]);

/** Why a field name is not allowed, or undefined: not a token, upper case (HTTP/2 names are lower case) or connection-specific. */
export function badFieldName(name: string): string | undefined {
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    if (c >= 65 && c <= 90) return `header name "${name}" is not lower case`;
  }
  if (!checkIsHttpToken(name)) return `header name "${name}" is not a token`;
  return CONNECTION_SPECIFIC.has(name) ? `connection-specific header "${name}"` : undefined;
}

/** Why a field value is not allowed (RFC 9113 §8.2.1: no NUL, CR, LF or other control character), or undefined. */
export function badFieldValue(name: string, value: string): string | undefined {
  return checkInvalidHeaderChar(value) ? `header "${name}" has a control character in its value` : undefined;
}

/**
 * A trailer block's fields, repeats combined (addHeader), or why they are not allowed: a header
 * list over `maxSize` (RFC 9113 §6.5.2 sizes), a pseudo-header, a bad name — and, with
 * `checkValues`, a value with a control character. The names in `neverIndexed` are marked on it
 * (NEVER_INDEXED).
 */
export function collectTrailers(fields: readonly string[], maxSize: number, checkValues: boolean, neverIndexed: readonly string[]): IncomingHttpHeaders | string {
  const trailers: IncomingHttpHeaders = {};
  let size = 0;
  for (let i = 0; i < fields.length; i += 2) {
    const name = fields[i]!;
    const value = fields[i + 1]!;
    size += name.length + value.length + 32;
    if (size > maxSize) return `header list over ${maxSize} bytes`;
    if (name.charCodeAt(0) === 58 /* : */) return `pseudo-header ${name} in trailers`;
    const bad = badFieldName(name) ?? (checkValues ? badFieldValue(name, value) : undefined);
    if (bad !== undefined) return bad;
    addHeader(trailers, name, value);
  }
  if (neverIndexed.length > 0) (trailers as Marked)[NEVER_INDEXED] = neverIndexed.slice();
  return trailers;
}

/** Repeated fields as node:http2 combines them: set-cookie a list, cookie joined by "; ", others by ", ". */
export function addHeader(headers: IncomingHttpHeaders, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) headers[name] = name === "set-cookie" ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else headers[name] = `${existing}${name === "cookie" ? "; " : ", "}${value}`;
}
