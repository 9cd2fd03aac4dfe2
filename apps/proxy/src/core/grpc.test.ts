import { describe, expect, it } from "vitest";
import { ErrorCode } from "@weft/contracts";
import { encodeGrpcMessage, grpcLocalReplyHeaders, grpcStatusOf, isGrpcContentType, parseGrpcTimeout } from "./grpc";

describe("gRPC helpers", () => {
  it("recognises gRPC content types (not grpc-web)", () => {
    expect(isGrpcContentType("application/grpc")).toBe(true);
    expect(isGrpcContentType("application/grpc+proto")).toBe(true);
    expect(isGrpcContentType("application/grpc;charset=utf-8")).toBe(true);
    expect(isGrpcContentType("application/grpc-web")).toBe(false);
    expect(isGrpcContentType("application/json")).toBe(false);
    expect(isGrpcContentType(undefined)).toBe(false);
  });

  it("parses grpc-timeout in every unit, rounding up to ms; rejects malformed values", () => {
    expect(parseGrpcTimeout("2H")).toBe(7_200_000);
    expect(parseGrpcTimeout("3M")).toBe(180_000);
    expect(parseGrpcTimeout("5S")).toBe(5_000);
    expect(parseGrpcTimeout("250m")).toBe(250);
    expect(parseGrpcTimeout("1500u")).toBe(2);
    expect(parseGrpcTimeout("1n")).toBe(1);
    expect(parseGrpcTimeout("123456789S")).toBeUndefined(); // more than 8 digits
    expect(parseGrpcTimeout("10x")).toBeUndefined();
    expect(parseGrpcTimeout("S")).toBeUndefined();
    expect(parseGrpcTimeout(undefined)).toBeUndefined();
  });

  it("maps local errors to gRPC statuses and percent-encodes the message", () => {
    expect(grpcStatusOf(ErrorCode.NoHealthyEndpoint, 503)).toBe(14);
    expect(grpcStatusOf(ErrorCode.RouteNotFound, 404)).toBe(12);
    expect(grpcStatusOf(ErrorCode.UpstreamTimeout, 504)).toBe(4);
    expect(grpcStatusOf(ErrorCode.Internal, 500)).toBe(13);
    expect(grpcStatusOf(undefined, 429)).toBe(14);
    expect(grpcStatusOf(undefined, 403)).toBe(7);
    expect(encodeGrpcMessage("plain text")).toBe("plain text");
    expect(encodeGrpcMessage("100% sure")).toBe("100%25 sure");
    expect(encodeGrpcMessage("café\n")).toBe("caf%C3%A9%0A");
    expect(grpcLocalReplyHeaders(ErrorCode.NoHealthyEndpoint, 503, "none")).toEqual({
      "content-type": "application/grpc",
      "grpc-status": "14",
      "grpc-message": "none",
      "x-weft-error": "WEFT_NO_HEALTHY_ENDPOINT",
    });
  });
});
