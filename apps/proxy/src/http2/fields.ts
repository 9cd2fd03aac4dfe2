// Header fields of HTTP/2 responses as the client session checks and collects them: which names
// HTTP/2 forbids, and repeated fields combined the way node:http2 (and node:http) present them.
import type { IncomingHttpHeaders } from "node:http";
import { checkInvalidHeaderChar, checkIsHttpToken } from "../http1/llhttp";

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
 * `checkValues`, a value with a control character.
 */
export function collectTrailers(fields: readonly string[], maxSize: number, checkValues: boolean): IncomingHttpHeaders | string {
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
  return trailers;
}

/** Repeated fields as node:http2 combines them: set-cookie a list, cookie joined by "; ", others by ", ". */
export function addHeader(headers: IncomingHttpHeaders, name: string, value: string): void {
  const existing = headers[name];
  if (existing === undefined) headers[name] = name === "set-cookie" ? [value] : value;
  else if (Array.isArray(existing)) existing.push(value);
  else headers[name] = `${existing}${name === "cookie" ? "; " : ", "}${value}`;
}
