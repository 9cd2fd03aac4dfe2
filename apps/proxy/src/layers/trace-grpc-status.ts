// The gRPC status of each gRPC response, onto the context for spans, metrics and access logs:
// from the headers of a trailers-only answer (the sidecar's own local replies included, before the
// exchange reshapes them), else from the trailers of the streamed body. Non-gRPC requests pass
// straight through.
import type { Readable } from "node:stream";
import { SidecarHeaders } from "@weft/contracts";
import type { Layer, ProxyResponse } from "../core/layer";
import type { RequestContext } from "../core/request-context";
import { grpcStatusOf } from "../core/grpc";

const kCtx = Symbol("weft.grpcStatus.ctx");
type Carrier = Readable & { [kCtx]?: RequestContext };

// Shared listener (no per-request closure); the body carries its context.
function onTrailers(this: Carrier, trailers: Record<string, string | string[] | undefined>): void {
  const value = trailers["grpc-status"];
  const ctx = this[kCtx];
  if (ctx !== undefined && typeof value === "string") ctx.grpcStatus = Number(value);
}

export function observeGrpcStatus(ctx: RequestContext, response: ProxyResponse): void {
  const header = response.headers["grpc-status"];
  if (header !== undefined) {
    ctx.grpcStatus = Number(header);
  } else if (ctx.errorCode !== undefined && response.headers[SidecarHeaders.error] !== undefined) {
    // A local reply still in its HTTP form: the status the exchange will answer with.
    ctx.grpcStatus = grpcStatusOf(ctx.errorCode, response.status);
  } else if (response.status !== 200) {
    // Not a gRPC answer (e.g. an HTTP proxy's 503): gRPC clients map the HTTP status.
    ctx.grpcStatus = grpcStatusOf(undefined, response.status);
  } else if (response.body !== null && !Buffer.isBuffer(response.body)) {
    const body = response.body as Carrier;
    body[kCtx] = ctx;
    body.on("trailers", onTrailers);
  }
}

export function grpcStatusLayer(): Layer {
  return (next) => {
    async function observed(ctx: RequestContext): Promise<ProxyResponse> {
      const response = await next(ctx);
      observeGrpcStatus(ctx, response);
      return response;
    }
    return function grpcStatus(ctx) {
      return ctx.grpc ? observed(ctx) : next(ctx);
    };
  };
}
