// One downstream HTTP exchange — HTTP/1.1 (req/res), HTTP/2 (a server stream) or an HTTP/1.1
// upgrade — turned into a RequestContext, run through the direction's handler, and the
// ProxyResponse written back: bodies streamed with backpressure, HTTP/2 trailers relayed (gRPC
// status), gRPC-shaped local replies and `grpc-timeout` deadlines, upgrade tunnels spliced. One
// `request` event when it is over. Direction-specific behaviour lives in the layers.
import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from "node:http";
import { ServerResponse as HttpServerResponse } from "node:http";
import type { Duplex, Readable } from "node:stream";
import { ErrorCode, SidecarHeaders, type WorkloadIdentity } from "@weft/contracts";
import type { Logger } from "pino";
import { RequestContext } from "./request-context";
import type { ConfigSource, Direction } from "./runtime-config";
import type { Handler, ProxyResponse } from "./layer";
import type { ProxyEvents } from "./events";
import type { Clock } from "./clock";
import { localReply } from "./local-reply";
import { connectionInfoOf } from "./connection-info";
import { grpcLocalReplyHeaders, isGrpcContentType, parseGrpcTimeout } from "./grpc";
import { pumpH1, pumpH2, type H1Writer } from "./body-pump";
import { NO_BODY, type H1Request, type H1Response } from "../http1/server";
import { H2Error } from "../http2/frames";
import type { ServerStream } from "../http2/server-stream";

export interface ExchangeOptions {
  direction: Direction;
  handler: Handler;
  config: ConfigSource;
  events: ProxyEvents;
  /** Identity the request starts with: the sidecar's own (outbound) or "external" (inbound). */
  initialSource: WorkloadIdentity;
  /** Destination until routing knows better: "unknown" (outbound) or the sidecar's own (inbound). */
  initialDestination: WorkloadIdentity;
  logger: Logger;
  /** Timers for gRPC deadlines. */
  clock: Clock;
}

export interface Exchange {
  /** HTTP/1.x request from Weft's codec (http1/server.ts). */
  onH1(req: H1Request, res: H1Response): void;
  /** HTTP/1.x request (http.Server 'request'; only connections handed to node:http). */
  onRequest(req: IncomingMessage, res: ServerResponse): void;
  /** HTTP/2 request (Weft's server session, http2/server-session.ts). */
  onStream(stream: ServerStream): void;
  /** HTTP/1.1 Upgrade (http.Server 'upgrade'), e.g. WebSocket. */
  onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

const kCtx = Symbol("weft.ctx");
type Carrier = { [kCtx]?: RequestContext };

function noop(): void {}

// Shared listener (no per-request closure): counts request body bytes as they stream upstream.
function countRequestBytes(this: Carrier, chunk: Buffer): void {
  this[kCtx]!.requestBytes += chunk.length;
}

// The request body failed on the client's side (it went away mid-body, or the body was malformed):
// the upstream attempt is cancelled, and its failure is not the upstream's fault.
function downstreamFailed(this: Carrier): void {
  const ctx = this[kCtx]!;
  ctx.downstreamGone = true;
  cancelUpstream(ctx);
}

/** Splits a request target into authority and origin-form path (absolute-form in proxy mode). */
export function parseTarget(target: string, hostHeader: string | undefined): { authority: string; path: string } {
  if (target.charCodeAt(0) === 47 /* "/" */ || target === "*") {
    return { authority: (hostHeader ?? "").toLowerCase(), path: target };
  }
  // absolute-form: scheme "://" authority [path-abempty] ["?" query]
  const schemeEnd = target.indexOf("://");
  if (schemeEnd === -1) return { authority: (hostHeader ?? "").toLowerCase(), path: target };
  const start = schemeEnd + 3;
  let end = start;
  while (end < target.length) {
    const c = target.charCodeAt(end);
    if (c === 47 /* / */ || c === 63 /* ? */ || c === 35 /* # */) break;
    end++;
  }
  const rest = target.slice(end);
  const path = rest === "" ? "/" : rest.charCodeAt(0) === 63 ? "/" + rest : rest;
  return { authority: target.slice(start, end).toLowerCase(), path };
}

/**
 * The source identity telemetry records: the verified certificate wins over `x-weft-source`, whose
 * version is kept only when its service and namespace are the certificate's.
 */
export function reconcileSource(ctx: RequestContext): void {
  const peer = ctx.peer;
  if (peer === undefined) return;
  const s = ctx.source;
  if (s.service !== peer.service || s.namespace !== peer.namespace) ctx.source = peer.identity;
}

/** A local reply (`x-weft-error`, JSON body) as a trailers-only gRPC reply with the same meaning. */
function grpcShaped(ctx: RequestContext, response: ProxyResponse): ProxyResponse {
  let message = "";
  try {
    message = String((JSON.parse(String(response.body)) as { message?: unknown }).message ?? "");
  } catch {
    message = String(response.headers[SidecarHeaders.error] ?? "");
  }
  return { status: 200, headers: grpcLocalReplyHeaders(ctx.errorCode, response.status, message), body: null };
}

function isLocalReply(ctx: RequestContext, response: ProxyResponse): boolean {
  return ctx.errorCode !== undefined && response.headers[SidecarHeaders.error] !== undefined && Buffer.isBuffer(response.body);
}

/**
 * An upstream body that failed before anything was relayed (its connection reset in the same turn
 * its headers arrived: the body's events are already past) becomes a 503 the client can act on,
 * not headers followed by a body that never ends.
 */
function unlessBodyFailed(ctx: RequestContext, response: ProxyResponse): ProxyResponse {
  const body = response.body;
  if (body === null || Buffer.isBuffer(body) || !body.readableAborted) return response;
  return localReply(ctx, ErrorCode.UpstreamReset, "the upstream connection failed before its response could be relayed", 503);
}

function discard(ctx: RequestContext, body: ProxyResponse["body"]): void {
  if (body !== null && !Buffer.isBuffer(body)) body.on("error", noop).destroy();
  if (ctx.deadlineExceeded) ctx.errorCode = ErrorCode.UpstreamTimeout;
}

function deadlineHeaders(ms: number): OutgoingHttpHeaders {
  return grpcLocalReplyHeaders(ErrorCode.UpstreamTimeout, 504, `deadline exceeded: no complete response within grpc-timeout (${ms} ms)`);
}

function cancelUpstream(ctx: RequestContext): void {
  const up = ctx.upstreamStream;
  if (up !== undefined && !up.done) up.cancel();
}

export function createExchange(options: ExchangeOptions): Exchange {
  const { direction, handler, config, events, initialSource, initialDestination, logger, clock } = options;

  function newContext(downstream: Readable, method: string, authority: string, path: string, headers: RequestContext["headers"], hasBody: boolean, socket: object | null | undefined): RequestContext {
    const ctx = new RequestContext(direction, config.current, downstream, method, authority, path, headers, hasBody, initialSource, initialDestination, performance.now());
    const info = connectionInfoOf(socket);
    if (info !== undefined) {
      ctx.tls = info.tls;
      ctx.peer = info.peer;
    }
    ctx.grpc = isGrpcContentType(headers["content-type"]);
    if (hasBody) {
      // Paused so the upstream client's own reader sees the first chunk too; it resumes.
      (downstream as Readable & Carrier)[kCtx] = ctx;
      downstream.pause();
      downstream.on("data", countRequestBytes).on("error", downstreamFailed);
    }
    return ctx;
  }

  /** The exchange is over, whatever its outcome: one `request` event. */
  function finish(ctx: RequestContext, respondedFully: boolean): void {
    ctx.deadlineTimer?.cancel();
    ctx.deadlineTimer = undefined;
    // The downstream went away before the response: stop the upstream work too (not the upstream's failure).
    if (!respondedFully) {
      ctx.downstreamGone = true;
      cancelUpstream(ctx);
    }
    ctx.durationMs = performance.now() - ctx.startedAt;
    reconcileSource(ctx);
    events.emit("request", ctx);
  }

  async function respond(ctx: RequestContext): Promise<ProxyResponse> {
    try {
      return await handler(ctx);
    } catch (err) {
      logger.error({ err, direction }, "unexpected error in the request path");
      return localReply(ctx, ErrorCode.Internal, "internal sidecar error; see the sidecar log", 500);
    }
  }

  // ---- HTTP/1.1 ------------------------------------------------------------------------------

  function onH1Close(this: H1Writer & Carrier): void {
    const ctx = this[kCtx]!;
    // Answered by the codec itself (the request body broke mid-way: 400), not by writeH1: the
    // client's fault, known now (the body's error event comes a tick later).
    if (ctx.status === 0 && this.writableFinished) {
      ctx.status = this.statusCode;
      ctx.downstreamGone = true;
    }
    finish(ctx, this.writableFinished);
  }

  function writeH1(ctx: RequestContext, response: ProxyResponse, res: H1Writer): void {
    if (res.destroyed || res.writableEnded || res.headersSent) {
      // The downstream went away (or a deadline already answered) while we waited for the upstream.
      discard(ctx, response.body);
      return;
    }
    response = unlessBodyFailed(ctx, response);
    if (ctx.grpc && isLocalReply(ctx, response)) response = grpcShaped(ctx, response);
    const body = response.body;
    ctx.status = response.status;
    try {
      res.writeHead(response.status, response.headers);
    } catch (err) {
      // The upstream sent a field HTTP/1.1 cannot carry (nothing was written): a 502 that says which.
      logger.warn({ err, direction }, "could not relay upstream response headers");
      discard(ctx, body);
      const why = err instanceof Error ? err.message : String(err);
      if (isLocalReply(ctx, response)) res.destroy();
      else writeH1(ctx, localReply(ctx, ErrorCode.UpstreamReset, `the upstream's response cannot be relayed: ${why}`, 502), res);
      return;
    }
    if (body === null) {
      res.end();
    } else if (Buffer.isBuffer(body)) {
      ctx.responseBytes = body.length;
      res.end(body);
    } else {
      pumpH1(ctx, body, res);
    }
  }

  function armDeadline(ctx: RequestContext, fire: () => void): void {
    const ms = parseGrpcTimeout(ctx.headers["grpc-timeout"]);
    if (ms !== undefined) ctx.deadlineTimer = clock.setTimeout(fire, ms);
  }

  function h1Deadline(ctx: RequestContext, res: H1Writer): void {
    ctx.deadlineTimer = undefined;
    if (res.writableEnded || res.destroyed) return;
    ctx.deadlineExceeded = true;
    ctx.errorCode = ErrorCode.UpstreamTimeout;
    cancelUpstream(ctx);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    ctx.status = 200;
    res.writeHead(200, deadlineHeaders(parseGrpcTimeout(ctx.headers["grpc-timeout"]) ?? 0));
    res.end();
  }

  function startH1(downstream: Readable, method: string, url: string, headers: RequestContext["headers"], hasBody: boolean, socket: object | null, res: H1Writer): void {
    const { authority, path } = parseTarget(url, headers.host);
    // In proxy mode the absolute URI's authority wins over a Host header (RFC 9112 §3.2.2).
    if (authority !== "" && headers.host !== authority) headers.host = authority;
    const ctx = newContext(downstream, method, authority, path, headers, hasBody, socket);
    (res as H1Writer & Carrier)[kCtx] = ctx;
    res.once("close", onH1Close);
    if (ctx.grpc) armDeadline(ctx, () => h1Deadline(ctx, res));
    void respond(ctx).then((response) => writeH1(ctx, response, res));
  }

  function onH1(req: H1Request, res: H1Response): void {
    startH1(req.body, req.method, req.url, req.headers, req.hasBody, req.socket, res);
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const headers = req.headers;
    const te = headers["transfer-encoding"];
    const cl = headers["content-length"];
    const hasBody = te !== undefined || (cl !== undefined && cl !== "0");
    startH1(req, req.method ?? "GET", req.url ?? "/", headers, hasBody, req.socket, res);
  }

  // ---- HTTP/1.1 upgrade ------------------------------------------------------------------------

  function onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    socket.on("error", noop);
    const headers = req.headers;
    const { authority, path } = parseTarget(req.url ?? "/", headers.host);
    if (authority !== "" && headers.host !== authority) headers.host = authority;
    const upgrade = String(headers.upgrade ?? "").toLowerCase();
    const ctx = newContext(req, req.method ?? "GET", authority, path, headers, false, req.socket);
    ctx.upgrade = upgrade;
    // A response object on the raw socket, for answers other than 101 (errors, a declined upgrade).
    const res = new HttpServerResponse(req);
    res.assignSocket(socket as Parameters<HttpServerResponse["assignSocket"]>[0]);
    res.shouldKeepAlive = false;
    (res as ServerResponse & Carrier)[kCtx] = ctx;
    res.once("close", onH1Close);
    void respond(ctx).then((response) => {
      if (response.status === 101 && ctx.upgraded !== undefined && !socket.destroyed) {
        splice(ctx, response, socket, head);
        return;
      }
      if (ctx.upgraded !== undefined) ctx.upgraded.socket.destroy();
      res.once("finish", () => socket.end());
      writeH1(ctx, response, res);
    });
  }

  /** 101 to the client, then bytes both ways until either side closes. */
  function splice(ctx: RequestContext, response: ProxyResponse, client: Duplex, clientHead: Buffer): void {
    const { socket: upstream, head: upstreamHead } = ctx.upgraded!;
    ctx.status = 101;
    let head = "HTTP/1.1 101 Switching Protocols\r\n";
    for (const [name, value] of Object.entries(response.headers)) {
      if (value === undefined || name === "connection" || name === "upgrade") continue;
      for (const v of Array.isArray(value) ? value : [value]) head += `${name}: ${v}\r\n`;
    }
    head += `Connection: Upgrade\r\nUpgrade: ${ctx.upgrade}\r\n\r\n`;
    client.write(head);
    if (upstreamHead.length > 0) {
      ctx.responseBytes += upstreamHead.length;
      client.write(upstreamHead);
    }
    if (clientHead.length > 0) {
      ctx.requestBytes += clientHead.length;
      upstream.write(clientHead);
    }
    upstream.on("error", noop);
    client.on("data", (chunk: Buffer) => (ctx.requestBytes += chunk.length));
    upstream.on("data", (chunk: Buffer) => (ctx.responseBytes += chunk.length));
    client.pipe(upstream);
    upstream.pipe(client);
    // Either side gone for good: close the other (a clean end half-closes through pipe first).
    upstream.once("close", () => client.end(() => client.destroy()));
    client.once("close", () => upstream.destroy());
  }

  // ---- HTTP/2 ------------------------------------------------------------------------------

  function onStream(stream: ServerStream): void {
    const method = stream.method;
    if (method === "CONNECT") {
      stream.respond(501, { "content-type": "text/plain" }, Buffer.from("CONNECT over HTTP/2 is not supported by the Weft sidecar; use HTTP/1.1 CONNECT or h2c with :authority"));
      return;
    }
    const headers = stream.headers;
    const authority = (stream.authority !== "" ? stream.authority : (headers.host ?? "")).toLowerCase();
    if (authority !== "") headers.host = authority;
    const body = stream.body;
    const ctx = newContext(body ?? NO_BODY, method, authority, stream.path, headers, body !== undefined, stream.session.transport);
    ctx.httpVersion = 2;
    ctx.neverIndexed = stream.neverIndexed;
    stream.onClose(() => {
      ctx.downstreamRst = stream.rstCode;
      finish(ctx, stream.headersSent);
    });
    if (ctx.grpc) armDeadline(ctx, () => h2Deadline(ctx, stream));
    void respond(ctx).then((response) => writeH2(ctx, response, stream));
  }

  function h2Deadline(ctx: RequestContext, stream: ServerStream): void {
    ctx.deadlineTimer = undefined;
    if (stream.closed) return;
    ctx.deadlineExceeded = true;
    ctx.errorCode = ErrorCode.UpstreamTimeout;
    // Mid-body, the pump sees the upstream go and ends the stream with DEADLINE_EXCEEDED trailers.
    cancelUpstream(ctx);
    if (stream.headersSent) return;
    ctx.status = 200;
    stream.respond(200, deadlineHeaders(parseGrpcTimeout(ctx.headers["grpc-timeout"]) ?? 0), null);
  }

  function writeH2(ctx: RequestContext, response: ProxyResponse, stream: ServerStream): void {
    if (stream.closed || stream.headersSent) {
      discard(ctx, response.body);
      return;
    }
    response = unlessBodyFailed(ctx, response);
    if (ctx.grpc && isLocalReply(ctx, response)) response = grpcShaped(ctx, response);
    const body = response.body;
    ctx.status = response.status;
    try {
      const neverIndexed = response.neverIndexed;
      if (body === null) {
        stream.respond(response.status, response.headers, null, neverIndexed);
      } else if (Buffer.isBuffer(body)) {
        ctx.responseBytes = body.length;
        stream.respond(response.status, response.headers, body, neverIndexed);
      } else {
        stream.respond(response.status, response.headers, undefined, neverIndexed);
        // HEAD, 204 and 304 end with their headers: the upstream body is not wanted.
        if (stream.closed) discard(ctx, body);
        else pumpH2(ctx, body, stream);
      }
    } catch (err) {
      logger.warn({ err, direction }, "could not relay upstream response headers over HTTP/2");
      ctx.status = 502;
      ctx.errorCode = ErrorCode.UpstreamReset;
      discard(ctx, body);
      stream.reset(H2Error.Internal);
    }
  }

  return { onH1, onRequest, onStream, onUpgrade };
}
