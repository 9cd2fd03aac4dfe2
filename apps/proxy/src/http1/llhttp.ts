// Node's own HTTP/1.1 parser — llhttp, the C parser behind node:http — driven directly, without
// node:http's per-request objects (IncomingMessage, ServerResponse, their streams and events),
// which cost more than everything else the sidecar does per request (docs/benchmarks.md). Reached
// through Node's legacy `_http_common` module, where node:http itself gets it. Parsing, framing
// and header-syntax checks stay llhttp's; Weft only turns its callbacks into messages.
import { createRequire } from "node:module";
import type { IncomingHttpHeaders } from "node:http";

export interface LlhttpParser {
  initialize(type: number, resource: object, maxHeaderSize?: number, lenient?: number): void;
  /** Bytes consumed, or the parse error (code `HPE_*`, `reason`). Stops early after an upgrade head. */
  execute(data: Buffer): number | ParseError;
  finish(): number | ParseError | undefined;
  close(): void;
  free(): void;
  remove(): void;
  [callback: number]: unknown;
}

export interface ParseError extends Error {
  code: string;
  reason?: string;
  bytesParsed?: number;
}

interface LlhttpModule {
  HTTPParser: {
    new (): LlhttpParser;
    readonly REQUEST: number;
    readonly RESPONSE: number;
    readonly kOnMessageBegin: number;
    readonly kOnHeaders: number;
    readonly kOnHeadersComplete: number;
    readonly kOnBody: number;
    readonly kOnMessageComplete: number;
    readonly kOnExecute: number;
    readonly kLenientNone: number;
  };
  methods: readonly string[];
  _checkInvalidHeaderChar(value: string): boolean;
  _checkIsHttpToken(name: string): boolean;
}

const common = createRequire(import.meta.url)("_http_common") as LlhttpModule;

export const HTTPParser = common.HTTPParser;
/** llhttp's method index -> name. */
export const METHODS = common.methods;
export const checkInvalidHeaderChar = common._checkInvalidHeaderChar;
export const checkIsHttpToken = common._checkIsHttpToken;

export const kOnMessageBegin = HTTPParser.kOnMessageBegin | 0;
export const kOnHeaders = HTTPParser.kOnHeaders | 0;
export const kOnHeadersComplete = HTTPParser.kOnHeadersComplete | 0;
export const kOnBody = HTTPParser.kOnBody | 0;
export const kOnMessageComplete = HTTPParser.kOnMessageComplete | 0;

/** Largest request/response head accepted, bytes (node:http's default). */
export const MAX_HEAD_BYTES = 16 * 1024;

/** Return values of the headers-complete callback: parse a body, skip it (HEAD, 1xx), or stop (upgrade). */
export const PARSE_BODY = 0;
export const SKIP_BODY = 1;
export const STOP_UPGRADE = 2;

export function createParser(type: number): LlhttpParser {
  const parser = new HTTPParser();
  parser.initialize(type, {}, MAX_HEAD_BYTES, HTTPParser.kLenientNone);
  return parser;
}

/** Fields a repeated header line may not add to: the first one wins (as node:http). */
const FIRST_WINS = new Set([
  "age",
  "authorization",
  "content-length",
  "content-type",
  "etag",
  "expires",
  "from",
  "host",
  "if-modified-since",
  "if-unmodified-since",
  "last-modified",
  "location",
  "max-forwards",
  "proxy-authorization",
  "referer",
  "retry-after",
  "server",
  "user-agent",
]);

/**
 * llhttp's `[name, value, name, value, …]` as the headers object layers edit: lower-case names,
 * repeated fields joined with ", " (`cookie` with "; "), `set-cookie` always an array — the shape
 * node:http gives, so layers and tests see the same thing whatever parsed the request.
 */
export function headersOf(raw: readonly string[]): IncomingHttpHeaders {
  const out: IncomingHttpHeaders = {};
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!.toLowerCase();
    const value = raw[i + 1]!;
    if (name === "__proto__") continue;
    const prev = out[name];
    if (prev === undefined) {
      out[name] = name === "set-cookie" ? [value] : value;
    } else if (name === "set-cookie") {
      (prev as string[]).push(value);
    } else if (!FIRST_WINS.has(name)) {
      out[name] = `${prev as string}${name === "cookie" ? "; " : ", "}${value}`;
    }
  }
  return out;
}

/**
 * A message's raw header pairs as llhttp's binding hands them over. A head's pairs (and a request's
 * target) come with headers-complete, unless the binding flushed them early (`kOnHeaders`): when a
 * head has more than 32 fields, and for every message on a connection after one that had trailers.
 * Trailers always come through `kOnHeaders`, in one or more flushes, before message-complete.
 */
export class HeadPairs {
  private flushed: string[] | undefined = undefined;
  private flushedUrl = "";

  /** Pairs llhttp flushed early; `url`, a piece of the request target, only while in the head. */
  add(raw: readonly string[], url?: string): void {
    (this.flushed ??= []).push(...raw);
    if (url !== undefined) this.flushedUrl += url;
  }

  /** All pairs of the head, given the ones that came with headers-complete; starts the next head empty. */
  take(raw: string[] | undefined): string[] {
    const flushed = this.flushed;
    this.flushed = undefined;
    return flushed === undefined ? (raw ?? []) : flushed.concat(raw ?? []);
  }

  /** The request target: the one headers-complete gave, or else the pieces flushed with the pairs. */
  takeUrl(url: string | undefined): string {
    const flushed = this.flushedUrl;
    this.flushedUrl = "";
    return url ?? flushed;
  }

  /** At message-complete: the trailers flushed since headers-complete, if any. */
  takeTrailers(): IncomingHttpHeaders | undefined {
    const flushed = this.flushed;
    this.flushed = undefined;
    return flushed === undefined ? undefined : headersOf(flushed);
  }
}
