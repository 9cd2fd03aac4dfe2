// One downstream HTTP exchange: IncomingMessage -> RequestContext -> handler -> ProxyResponse ->
// ServerResponse, streaming the body with backpressure, and one `request` event when it is over.
// Shared by both listeners; direction-specific behaviour lives in the layers.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { ErrorCode, type WorkloadIdentity } from "@weft/contracts";
import type { Logger } from "pino";
import { RequestContext } from "./request-context";
import type { ConfigSource, Direction } from "./runtime-config";
import type { Handler, ProxyResponse } from "./layer";
import type { ProxyEvents } from "./events";
import { localReply } from "./local-reply";

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
}

const kCtx = Symbol("weft.ctx");
type CountedRequest = IncomingMessage & { [kCtx]?: RequestContext };
type ExchangeResponse = ServerResponse & { [kCtx]?: RequestContext };

// Shared listener (no per-request closure): counts request body bytes as they stream upstream.
function countRequestBytes(this: CountedRequest, chunk: Buffer): void {
  this[kCtx]!.requestBytes += chunk.length;
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

export function createRequestListener(options: ExchangeOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const { direction, handler, config, events, initialSource, initialDestination, logger } = options;

  // Shared by every request (no per-request closure): the exchange is over, whatever its outcome.
  function onResponseClose(this: ExchangeResponse): void {
    const ctx = this[kCtx]!;
    ctx.durationMs = performance.now() - ctx.startedAt;
    events.emit("request", ctx);
  }

  function write(ctx: RequestContext, response: ProxyResponse, res: ServerResponse): void {
    const body = response.body;
    if (res.destroyed || res.writableEnded) {
      // The downstream went away while we were waiting for the upstream.
      if (body !== null && !Buffer.isBuffer(body)) body.destroy();
      return;
    }
    ctx.status = response.status;
    try {
      res.writeHead(response.status, response.headers);
    } catch (err) {
      // Upstream sent a header Node refuses to relay; nothing sensible can reach the client.
      logger.warn({ err, direction }, "could not relay upstream response headers");
      ctx.status = 502;
      ctx.errorCode = ErrorCode.UpstreamReset;
      if (body !== null && !Buffer.isBuffer(body)) body.destroy();
      res.destroy();
      return;
    }
    if (body === null) {
      res.end();
    } else if (Buffer.isBuffer(body)) {
      ctx.responseBytes = body.length;
      res.end(body);
    } else {
      pump(ctx, body, res);
    }
  }

  return function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const headers = req.headers;
    const { authority, path } = parseTarget(req.url ?? "/", headers.host);
    // In proxy mode the absolute URI's authority wins over a Host header (RFC 9112 §3.2.2).
    if (authority !== "" && headers.host !== authority) headers.host = authority;
    const te = headers["transfer-encoding"];
    const cl = headers["content-length"];
    const hasBody = te !== undefined || (cl !== undefined && cl !== "0");
    const ctx = new RequestContext(direction, config.current, req, req.method ?? "GET", authority, path, headers, hasBody, initialSource, initialDestination, performance.now());
    if (hasBody) {
      // Paused so the upstream client's own 'data' listener sees the first chunk too; it resumes.
      (req as CountedRequest)[kCtx] = ctx;
      req.pause();
      req.on("data", countRequestBytes);
    }
    (res as ExchangeResponse)[kCtx] = ctx;
    res.once("close", onResponseClose);
    void run(ctx, res);
  };

  async function run(ctx: RequestContext, res: ServerResponse): Promise<void> {
    let response: ProxyResponse;
    try {
      response = await handler(ctx);
    } catch (err) {
      logger.error({ err, direction }, "unexpected error in the request path");
      response = localReply(ctx, ErrorCode.Internal, "internal sidecar error; see the sidecar log", 500);
    }
    write(ctx, response, res);
  }
}

/** Streams an upstream body downstream with backpressure; an upstream failure mid-body destroys the downstream socket. */
function pump(ctx: RequestContext, body: Readable, res: ServerResponse): void {
  let downstreamClosed = false;
  const onData = (chunk: Buffer) => {
    ctx.responseBytes += chunk.length;
    if (!res.write(chunk)) body.pause();
  };
  const onDrain = () => body.resume();
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
    body.off("data", onData).off("end", onEnd);
  };
  body.on("data", onData).once("end", onEnd).on("error", onError);
  res.on("drain", onDrain).once("close", onClose);
}
