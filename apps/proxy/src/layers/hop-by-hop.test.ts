import { describe, expect, it } from "vitest";
import { hopByHopLayer } from "./hop-by-hop";
import { makeContext } from "../../test/support/runtime";

describe("hopByHopLayer", () => {
  it("strips hop-by-hop headers, and those named by Connection, both ways", async () => {
    const ctx = makeContext({
      headers: {
        host: "reviews",
        connection: "keep-alive, x-trace-hop",
        "keep-alive": "timeout=5",
        "x-trace-hop": "1",
        "proxy-connection": "keep-alive",
        "proxy-authorization": "Basic eA==",
        te: "trailers",
        "transfer-encoding": "chunked",
        upgrade: "websocket",
        expect: "100-continue",
        "x-user": "tester",
      },
    });
    const res = await hopByHopLayer()(async () => ({
      status: 200,
      headers: { connection: "close", "keep-alive": "timeout=4", "transfer-encoding": "chunked", "content-type": "text/plain" },
      body: null,
    }))(ctx);
    expect(ctx.headers).toEqual({ host: "reviews", "x-user": "tester" });
    expect(res.headers).toEqual({ "content-type": "text/plain" });
  });
});
