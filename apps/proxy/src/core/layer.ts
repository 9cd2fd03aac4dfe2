// The layer model: a Handler turns a request into a response object (status, headers, streaming
// body) instead of writing to the socket, so an outer layer can inspect, retry or replace it.
// A Layer wraps the next handler. Stacks are assembled outermost first in inbound/stack.ts and
// outbound/stack.ts.
import type { Readable } from "node:stream";
import type { OutgoingHttpHeaders } from "node:http";
import type { RequestContext } from "./request-context";

export interface ProxyResponse {
  status: number;
  /** Lower-case names; hop-by-hop headers are stripped before they reach the downstream. */
  headers: OutgoingHttpHeaders;
  /** Streaming upstream body, a locally generated buffer, or nothing. */
  body: Readable | Buffer | null;
  /** Fields an HTTP/2 upstream sent "never indexed" (HPACK §6.2.3): an HTTP/2 client gets them the same way. */
  neverIndexed?: readonly string[] | undefined;
}

export type Handler = (ctx: RequestContext) => Promise<ProxyResponse>;
export type Layer = (next: Handler) => Handler;

/** Composes layers around a terminal handler; `layers[0]` is the outermost (sees the request first). */
export function composeLayers(layers: readonly Layer[], terminal: Handler): Handler {
  let handler = terminal;
  for (let i = layers.length - 1; i >= 0; i--) handler = layers[i]!(handler);
  return handler;
}
