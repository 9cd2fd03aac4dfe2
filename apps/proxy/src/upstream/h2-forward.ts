// One request over an HTTP/2 session (http2/client-session.ts): pseudo-headers from the context,
// the body streamed with backpressure, and the response returned unread — a small body that came
// with the headers as one Buffer, a longer one as a stream that emits `trailers` before `end`
// (grpc-status travels there). A response whose headers end the stream (gRPC trailers-only, HEAD,
// 204) has no body, so the exchange can end the downstream the same way.
import type { OutgoingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import type { ProxyResponse } from "../core/layer";
import type { RequestContext } from "../core/request-context";
import { CONNECTION_SPECIFIC } from "../http2/fields";
import { H2Error } from "../http2/frames";
import type { H2Session } from "./h2-sessions";

/** Request headers HTTP/2 forbids (connection-specific) or carries as pseudo-headers. */
const NOT_FORWARDED = new Set([...CONNECTION_SPECIFIC, "host", "http2-settings", "te"]);

/** The request's header fields as flat name/value pairs, pseudo-headers first. */
export function h2RequestFields(ctx: RequestContext, scheme: "http" | "https"): string[] {
  const host = ctx.headers.host;
  const fields = [":method", ctx.method, ":scheme", scheme, ":authority", typeof host === "string" && host !== "" ? host : ctx.authority, ":path", ctx.path];
  const headers = ctx.headers;
  for (const name in headers) {
    if (NOT_FORWARDED.has(name) || name.charCodeAt(0) === 58 /* ":" */) continue;
    const value = headers[name];
    if (value === undefined) continue;
    if (typeof value === "string") fields.push(name, value);
    else if (Array.isArray(value)) for (const v of value) fields.push(name, v);
    else fields.push(name, String(value));
  }
  // gRPC servers expect it; hop-by-hop handling removed the client's copy.
  if (ctx.grpc) fields.push("te", "trailers");
  return fields;
}

export function forwardH2(ctx: RequestContext, entry: H2Session, body: Readable | Buffer | null, scheme: "http" | "https"): Promise<ProxyResponse> {
  const { stream, response } = entry.session.request(h2RequestFields(ctx, scheme), body, ctx.neverIndexed);
  ctx.upstreamStream = stream;
  const signal = ctx.signal;
  let onAbort: (() => void) | undefined;
  if (signal !== undefined) {
    if (signal.aborted) stream.cancel(H2Error.Cancel);
    else signal.addEventListener("abort", (onAbort = () => stream.cancel(H2Error.Cancel)), { once: true });
  }
  return response.then(
    (r) => {
      if (onAbort !== undefined) signal!.removeEventListener("abort", onAbort);
      ctx.upstreamPeer = entry.peer();
      return { status: r.status, headers: r.headers as OutgoingHttpHeaders, body: r.body, neverIndexed: r.neverIndexed };
    },
    (err: unknown) => {
      if (onAbort !== undefined) signal!.removeEventListener("abort", onAbort);
      throw err;
    },
  );
}
