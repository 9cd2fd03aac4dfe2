// HTTP/1.1 message heads as one latin1 string (RFC 9112): the start line, the headers the layers
// left (names and values checked, so a header a layer or config added can never split a message),
// and the framing the writer chose. Framing and connection headers are always the writer's, never
// copied from the other side: a proxy re-frames every message it relays.
import { STATUS_CODES, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import { checkInvalidHeaderChar, checkIsHttpToken } from "./llhttp";

/** A space, control character or DEL: never in a request target. */
const INVALID_TARGET = /[\x00-\x20\x7f]/;

/** Headers the writer of each message decides itself (framing, connection management). */
function isFraming(name: string): boolean {
  switch (name) {
    case "content-length":
    case "transfer-encoding":
    case "connection":
    case "keep-alive":
      return true;
    default:
      return false;
  }
}

export class InvalidHeaderError extends Error {
  readonly code = "WEFT_INVALID_HEADER";
  constructor(name: string, what: string) {
    super(`header "${name}" ${what}; it cannot be sent over HTTP/1.1`);
  }
}

/** Appends header lines; a field HTTP/1.1 cannot carry throws, or (`dropUnfit`: trailers, after the body) is left out. */
function appendHeaders(head: string, headers: IncomingHttpHeaders | OutgoingHttpHeaders, dropUnfit = false): string {
  for (const name in headers) {
    const value = headers[name];
    if (value === undefined || isFraming(name)) continue;
    if (name.charCodeAt(0) === 58 /* ":" */) continue; // HTTP/2 pseudo-headers never travel in HTTP/1.1
    if (!checkIsHttpToken(name)) {
      if (dropUnfit) continue;
      throw new InvalidHeaderError(name, "has an invalid name");
    }
    if (typeof value === "object") {
      for (let i = 0; i < value.length; i++) {
        const v = value[i]!;
        if (checkInvalidHeaderChar(v)) {
          if (dropUnfit) continue;
          throw new InvalidHeaderError(name, "has a value with control characters");
        }
        head += `${name}: ${v}\r\n`;
      }
    } else {
      const v = typeof value === "string" ? value : String(value);
      if (checkInvalidHeaderChar(v)) {
        if (dropUnfit) continue;
        throw new InvalidHeaderError(name, "has a value with control characters");
      }
      head += `${name}: ${v}\r\n`;
    }
  }
  return head;
}

/** `METHOD path HTTP/1.1`, the headers, `framing` (complete header lines, or ""), the blank line. */
export function requestHead(method: string, path: string, headers: IncomingHttpHeaders, framing: string): string {
  // What came in over HTTP/2 was checked there; this keeps a request line from ever being split.
  if (!checkIsHttpToken(method)) throw new InvalidHeaderError(":method", "is not a token");
  if (INVALID_TARGET.test(path)) throw new InvalidHeaderError(":path", "has a space or a control character");
  return `${appendHeaders(`${method} ${path} HTTP/1.1\r\n`, headers)}${framing}\r\n`;
}

/** `HTTP/1.1 status reason` and the header lines; the writer appends its framing lines and the blank line. */
export function responseHeadLines(status: number, headers: OutgoingHttpHeaders): string {
  return appendHeaders(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Unknown"}\r\n`, headers);
}

/** Statuses whose responses never have a body (RFC 9110 §6.4.1). */
export function bodylessStatus(status: number): boolean {
  return status < 200 || status === 204 || status === 304;
}

/** The chunk-size line of one chunk of a chunked body. */
export function chunkHeader(length: number): string {
  return `${length.toString(16)}\r\n`;
}

/** The last chunk of a chunked body with its trailer fields. */
export function lastChunk(trailers: OutgoingHttpHeaders | undefined): string {
  // The body is out already: a trailer field HTTP/1.1 cannot carry (a control character an HTTP/2
  // peer may send) is dropped rather than the response broken off.
  return trailers === undefined ? "0\r\n\r\n" : `${appendHeaders("0\r\n", trailers, true)}\r\n`;
}

/** Bodies up to this size travel in one buffer with their head (one write). */
export const COALESCE_BYTES = 16 * 1024;

/** A head (latin1) and a small body as one buffer, so the message goes out in one write. */
export function joinHead(head: string, body: Buffer): Buffer {
  const out = Buffer.allocUnsafe(head.length + body.length);
  out.write(head, 0, "latin1");
  body.copy(out, head.length);
  return out;
}
