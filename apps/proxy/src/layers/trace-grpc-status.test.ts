import { describe, expect, it } from "vitest";
import { PassThrough } from "node:stream";
import { ErrorCode, SidecarHeaders } from "@weft/contracts";
import { makeContext } from "../../test/support/runtime";
import type { ProxyResponse } from "../core/layer";
import { grpcStatusLayer } from "./trace-grpc-status";

function grpcRequest() {
  const ctx = makeContext({ headers: { "content-type": "application/grpc" } });
  ctx.grpc = true;
  return ctx;
}

const run = (response: ProxyResponse, ctx = grpcRequest(), errorCode?: ErrorCode) =>
  grpcStatusLayer()(async (c) => {
    c.errorCode = errorCode;
    return response;
  })(ctx).then(() => ctx);

describe("grpcStatusLayer", () => {
  it("reads grpc-status from a trailers-only answer", async () => {
    expect((await run({ status: 200, headers: { "grpc-status": "5" }, body: null })).grpcStatus).toBe(5);
  });

  it("a local reply still in HTTP form gets the status the client will see", async () => {
    const ctx = await run({ status: 503, headers: { [SidecarHeaders.error]: ErrorCode.NoHealthyEndpoint }, body: Buffer.from("{}") }, grpcRequest(), ErrorCode.NoHealthyEndpoint);
    expect(ctx.grpcStatus).toBe(14);
  });

  it("a non-gRPC answer (an HTTP 503 from something else) maps like gRPC clients map it", async () => {
    expect((await run({ status: 503, headers: {}, body: null })).grpcStatus).toBe(14);
  });

  it("a streamed body: the status arrives with its trailers", async () => {
    const body = new PassThrough();
    const ctx = await run({ status: 200, headers: {}, body });
    expect(ctx.grpcStatus).toBe(-1);
    body.emit("trailers", { "grpc-status": "0", "grpc-message": "" });
    expect(ctx.grpcStatus).toBe(0);
  });

  it("non-gRPC requests pass straight through (same promise, nothing recorded)", async () => {
    const ctx = makeContext({});
    const response: Promise<ProxyResponse> = Promise.resolve({ status: 200, headers: { "grpc-status": "3" }, body: null });
    const handler = grpcStatusLayer()(() => response);
    expect(handler(ctx)).toBe(response);
    await response;
    expect(ctx.grpcStatus).toBe(-1);
  });
});
