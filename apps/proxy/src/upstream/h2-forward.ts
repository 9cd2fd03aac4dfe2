// One request over an HTTP/2 session: pseudo-headers from the context, the body streamed with
// backpressure, and the response returned unread — its body is the HTTP/2 stream itself, which
// emits `trailers` before `end` (grpc-status travels there). A response whose headers end the stream
// (gRPC trailers-only, HEAD, 204) has no body, so the exchange can end the downstream the same way.
import { constants, type ClientHttp2Stream, type IncomingHttpHeaders as H2Headers } from "node:http2";
import type { OutgoingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { codedError } from "../core/errors";
import type { ProxyResponse } from "../core/layer";
import type { RequestContext } from "../core/request-context";
import type { H2Session } from "./h2-sessions";

/** Request headers HTTP/2 forbids (connection-specific) or carries as pseudo-headers. */
const NOT_FORWARDED = new Set(["host", "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade", "http2-settings", "te"]);

function noop(): void {}

export function h2RequestHeaders(ctx: RequestContext, scheme: "http" | "https"): OutgoingHttpHeaders {
  const host = ctx.headers.host;
  const out: OutgoingHttpHeaders = {
    ":method": ctx.method,
    ":path": ctx.path,
    ":scheme": scheme,
    ":authority": typeof host === "string" && host !== "" ? host : ctx.authority,
  };
  const headers = ctx.headers;
  for (const name in headers) {
    if (NOT_FORWARDED.has(name) || name.charCodeAt(0) === 58 /* ":" */) continue;
    const value = headers[name];
    if (value !== undefined) out[name] = value;
  }
  // gRPC servers expect it; hop-by-hop handling removed the client's copy.
  if (ctx.grpc) out.te = "trailers";
  return out;
}

export function forwardH2(ctx: RequestContext, entry: H2Session, body: Readable | Buffer | null, scheme: "http" | "https"): Promise<ProxyResponse> {
  const stream: ClientHttp2Stream = entry.session.request(h2RequestHeaders(ctx, scheme), { endStream: body === null });
  // Errors after the response are the exchange's (it listens on the body); never unhandled.
  stream.on("error", noop);
  ctx.upstreamStream = stream;
  if (body !== null) {
    if (Buffer.isBuffer(body)) stream.end(body);
    else body.pipe(stream);
  }
  const signal = ctx.signal;
  return new Promise<ProxyResponse>((resolve, reject) => {
    const onAbort = () => stream.close(constants.NGHTTP2_CANCEL);
    const cleanup = () => {
      stream.off("response", onResponse).off("error", onError).off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    const onResponse = (headers: H2Headers, flags: number) => {
      cleanup();
      const status = Number(headers[":status"]);
      delete headers[":status"];
      ctx.upstreamPeer = entry.peer();
      resolve({ status, headers: headers as OutgoingHttpHeaders, body: flags & constants.NGHTTP2_FLAG_END_STREAM ? null : stream });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(codedError(`stream closed before response headers (RST_STREAM code ${stream.rstCode ?? "?"})`, "ERR_HTTP2_STREAM_ERROR"));
    };
    stream.once("response", onResponse).once("error", onError).once("close", onClose);
    if (signal !== undefined) {
      if (signal.aborted) onAbort();
      else signal.addEventListener("abort", onAbort, { once: true });
    }
  });
}
