import { describe, expect, it } from "vitest";
import { ErrorCode } from "@weft/contracts";
import { localReplyLayer } from "./local-reply";
import { ProxyError } from "../core/errors";
import { makeContext } from "../../test/support/runtime";

describe("localReplyLayer", () => {
  it("turns a ProxyError (sync or async) into a JSON reply with x-weft-error", async () => {
    for (const inner of [
      () => {
        throw new ProxyError(ErrorCode.NoHealthyEndpoint, "nothing healthy");
      },
      async () => {
        throw new ProxyError(ErrorCode.NoHealthyEndpoint, "nothing healthy");
      },
    ]) {
      const ctx = makeContext({});
      const res = await localReplyLayer()(inner as never)(ctx);
      expect(res.status).toBe(503);
      expect(res.headers["x-weft-error"]).toBe("WEFT_NO_HEALTHY_ENDPOINT");
      expect(JSON.parse(String(res.body))).toEqual({ code: "WEFT_NO_HEALTHY_ENDPOINT", message: "nothing healthy" });
      expect(res.headers["content-length"]).toBe((res.body as Buffer).length);
      expect(ctx.errorCode).toBe("WEFT_NO_HEALTHY_ENDPOINT");
    }
  });

  it("lets unexpected errors through (the exchange answers 500)", async () => {
    await expect(localReplyLayer()(async () => Promise.reject(new TypeError("bug")))(makeContext({}))).rejects.toThrow("bug");
  });
});
