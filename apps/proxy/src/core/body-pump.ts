// Streaming an upstream response body to the client with backpressure, for each downstream
// protocol: HTTP/1.1 (trailers as chunked trailer fields, without framing and routing fields) and
// HTTP/2 (trailers, resets passed on, gRPC deadlines ending the stream with DEADLINE_EXCEEDED).
// Used by exchange.ts.
import type { OutgoingHttpHeaders } from "node:http";
import { H2Error } from "../http2/frames";
import { forwardableTrailers } from "../http2/fields";
import type { ServerStream } from "../http2/server-stream";
import type { Readable } from "node:stream";
import { ErrorCode } from "@weft/contracts";
import type { RequestContext } from "./request-context";
import { GrpcStatus } from "./grpc";

/** What the exchange writes an HTTP/1.1 response through: Weft's codec (http1/server.ts) or node:http's ServerResponse (upgrade replies). */
export interface H1Writer {
  readonly destroyed: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly headersSent: boolean;
  readonly statusCode: number;
  writeHead(status: number, headers: OutgoingHttpHeaders): unknown;
  write(chunk: Buffer): boolean;
  end(chunk?: Buffer): unknown;
  addTrailers(headers: OutgoingHttpHeaders): void;
  destroy(): unknown;
  on(event: "drain", fn: () => void): unknown;
  once(event: "close", fn: () => void): unknown;
}

/** Streams an upstream body to an HTTP/1.1 client with backpressure; trailers are relayed when chunked. */
export function pumpH1(ctx: RequestContext, body: Readable, res: H1Writer): void {
  let downstreamClosed = false;
  const onData = (chunk: Buffer) => {
    ctx.responseBytes += chunk.length;
    if (!res.write(chunk)) body.pause();
  };
  const onDrain = () => body.resume();
  const onTrailers = (trailers: OutgoingHttpHeaders) => res.addTrailers(forwardableTrailers(trailers));
  const onEnd = () => res.end();
  const onError = () => {
    if (!downstreamClosed && ctx.errorCode === undefined) ctx.errorCode = ErrorCode.UpstreamReset;
    // Headers are already out: the only honest signal left is an abrupt close.
    res.destroy();
  };
  const onClose = () => {
    if (!res.writableFinished) {
      downstreamClosed = true;
      if (!body.readableEnded) body.destroy();
    }
    body.off("data", onData).off("end", onEnd).off("trailers", onTrailers);
  };
  body.on("data", onData).once("end", onEnd).on("error", onError).once("trailers", onTrailers);
  res.on("drain", onDrain);
  res.once("close", onClose);
}

/**
 * Streams an upstream body to an HTTP/2 client with backpressure and ends with the upstream's
 * trailers. An upstream reset resets the client stream with the same code; a gRPC deadline that
 * fired mid-body ends it with DEADLINE_EXCEEDED trailers instead.
 */
export function pumpH2(ctx: RequestContext, body: Readable, stream: ServerStream): void {
  let trailers: OutgoingHttpHeaders | undefined;
  let ended = false;
  const onData = (chunk: Buffer) => {
    ctx.responseBytes += chunk.length;
    if (!stream.write(chunk)) body.pause();
  };
  stream.onDrained = () => body.resume();
  const onTrailers = (t: OutgoingHttpHeaders) => {
    trailers = withoutPseudo(t);
  };
  /** The upstream stopped: completely (trailers follow), after our deadline cancelled it, or reset. */
  const onBodyDone = () => {
    if (ended || stream.closed) return;
    const rst = (body as { rstCode?: number }).rstCode;
    if (ctx.deadlineExceeded && ctx.grpc) {
      trailers = { "grpc-status": String(GrpcStatus.DEADLINE_EXCEEDED), "grpc-message": "deadline exceeded" };
    } else if (ctx.grpc && !body.readableEnded && rst === undefined) {
      // The upstream connection was lost mid-call (not a reset the upstream chose): in gRPC terms
      // UNAVAILABLE, which callers may retry, rather than the INTERNAL a bare stream reset reads as.
      if (ctx.errorCode === undefined) ctx.errorCode = ErrorCode.UpstreamReset;
      trailers = { "grpc-status": String(GrpcStatus.UNAVAILABLE), "grpc-message": "the upstream connection was lost mid-call" };
    } else if (!body.readableEnded || (rst !== undefined && rst !== H2Error.NoError)) {
      // Reset mid-body (a closed HTTP/2 stream also ends its readable side): pass the reset on.
      if (ctx.errorCode === undefined) ctx.errorCode = ErrorCode.UpstreamReset;
      ended = true;
      stream.reset(rst !== undefined && rst !== H2Error.NoError ? rst : H2Error.Internal);
      return;
    }
    ended = true;
    stream.end(trailers);
  };
  const onClose = () => {
    stream.onDrained = undefined;
    if (!ended && !body.readableEnded) body.destroy();
    body.off("data", onData).off("end", onBodyDone).off("trailers", onTrailers).off("error", onBodyDone).off("close", onBodyDone);
  };
  body.on("data", onData).once("end", onBodyDone).once("trailers", onTrailers).on("error", onBodyDone).once("close", onBodyDone);
  stream.onClose(onClose);
}

/** HTTP/2 trailers as node:http2 delivers them may carry pseudo-headers; neither side may send those. */
function withoutPseudo(headers: OutgoingHttpHeaders): OutgoingHttpHeaders {
  for (const name in headers) if (name.charCodeAt(0) === 58) delete headers[name];
  return headers;
}
