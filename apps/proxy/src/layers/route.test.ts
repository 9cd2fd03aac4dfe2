import { describe, expect, it } from "vitest";
import { ErrorCode } from "@weft/contracts";
import { routeLayer } from "./route";
import { isProxyError, type ProxyError } from "../core/errors";
import { makeContext, snapshotFrom, terminalOk } from "../../test/support/runtime";
import { inboundRoutes, listener, routeConfig, serviceHost } from "../../test/support/xds-fixtures";

const handler = routeLayer({ listener: "outbound" })(terminalOk);
const config = snapshotFrom({
  listeners: [listener("weft.outbound", "127.0.0.1", 15001)],
  routes: [
    routeConfig("weft.outbound", [
      serviceHost("reviews", "default", 9080, [{ name: "api", prefix: "/api", cluster: "reviews.default" }]),
      ...["a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "l"].map((s) => serviceHost(s, "default", 80, [])),
    ]),
  ],
});

function failure(ctx: ReturnType<typeof makeContext>): ProxyError {
  try {
    void handler(ctx);
  } catch (err) {
    if (isProxyError(err)) return err;
    throw err;
  }
  throw new Error("expected the route layer to throw");
}

describe("routeLayer", () => {
  it("sets route, virtual host and destination service", async () => {
    const ctx = makeContext({ config, authority: "reviews:9080", path: "/api/x?y=1" });
    await handler(ctx);
    expect(ctx.route?.name).toBe("api");
    expect(ctx.virtualHost?.name).toBe("reviews.default");
    expect(ctx.destination).toEqual({ service: "reviews", namespace: "default", version: "" });
  });

  it("WEFT_NO_CONFIG without the listener or its route table", () => {
    expect(failure(makeContext({ authority: "reviews" }))).toMatchObject({ code: ErrorCode.NoConfig, status: 503 });
    const noRoutes = snapshotFrom({ listeners: [listener("weft.outbound", "127.0.0.1", 15001)] });
    expect(failure(makeContext({ config: noRoutes, authority: "reviews" })).message).toContain('route configuration "weft.outbound"');
  });

  it("WEFT_ROUTE_NOT_FOUND when the request names no service", () => {
    const e = failure(makeContext({ config, authority: "" }));
    expect(e).toMatchObject({ code: ErrorCode.RouteNotFound, status: 404 });
    expect(e.message).toContain("send a Host header or use this sidecar as the HTTP proxy");
  });

  it("lists at most ten known services for an unknown host", () => {
    expect(failure(makeContext({ config, authority: "ghost" })).message).toBe(
      'no service "ghost" in the mesh; known: a, b, c, d, e, f, g, h, i, j, … (3 more)',
    );
  });

  it("WEFT_ROUTE_NOT_FOUND when no route matches, echoing a bounded path", () => {
    const e = failure(makeContext({ config, authority: "reviews", path: "/" + "x".repeat(500) }));
    expect(e.code).toBe(ErrorCode.RouteNotFound);
    expect(e.message.length).toBeLessThan(260);
  });

  it("does not touch the destination on inbound", async () => {
    const inbound = snapshotFrom({ listeners: [listener("weft.inbound", "127.0.0.1", 15006)], routes: [inboundRoutes()] });
    const ctx = makeContext({ direction: "inbound", config: inbound, authority: "anything:1" });
    await routeLayer({ listener: "inbound" })(terminalOk)(ctx);
    expect(ctx.route?.name).toBe("local");
    expect(ctx.destination.service).toBe("unknown"); // the exchange sets the sidecar's own identity
  });
});
