import { describe, expect, it } from "vitest";
import { ErrorCode } from "@weft/contracts";
import { clusterPickLayer } from "./cluster-pick";
import { routeLayer } from "./route";
import { composeLayers } from "../core/layer";
import { makeContext, snapshotFrom, terminalOk } from "../../test/support/runtime";
import { assignment, edsCluster, listener, routeConfig, serviceHost } from "../../test/support/xds-fixtures";

const config = snapshotFrom({
  clusters: [edsCluster("reviews.default|v1"), edsCluster("reviews.default|v2")],
  endpoints: [assignment("reviews.default|v1", [{ port: 1 }]), assignment("reviews.default|v2", [{ port: 2 }])],
  listeners: [listener("weft.outbound", "127.0.0.1", 15001)],
  routes: [
    routeConfig("weft.outbound", [
      serviceHost("reviews", "default", 9080, [
        { name: "ghost", prefix: "/ghost", cluster: "reviews.default|v9" },
        { name: "split", prefix: "/", split: [["reviews.default|v1", 80], ["reviews.default|v2", 20]] },
      ]),
    ]),
  ],
});

function stack(random: () => number) {
  return composeLayers([routeLayer({ listener: "outbound" }), clusterPickLayer({ random })], terminalOk);
}

describe("clusterPickLayer", () => {
  it("splits by weight (deterministic random) and sets the destination version", async () => {
    const draws = Array.from({ length: 100 }, (_, i) => i / 100);
    let n = 0;
    const handler = stack(() => draws[n++]!);
    const counts: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      const ctx = makeContext({ config, authority: "reviews" });
      await handler(ctx);
      counts[ctx.cluster!.config.name] = (counts[ctx.cluster!.config.name] ?? 0) + 1;
      expect(ctx.destination.version).toBe(ctx.cluster!.config.name.endsWith("v1") ? "v1" : "v2");
    }
    expect(counts).toEqual({ "reviews.default|v1": 80, "reviews.default|v2": 20 });
  });

  it("WEFT_CLUSTER_NOT_FOUND names the route and the missing cluster", () => {
    const ctx = makeContext({ config, authority: "reviews", path: "/ghost" });
    expect(() => stack(() => 0)(ctx)).toThrow(
      expect.objectContaining({
        code: ErrorCode.ClusterNotFound,
        status: 503,
        message: 'route "ghost" of "reviews.default" sends to cluster "reviews.default|v9", which this sidecar has not received from the controller',
      }),
    );
  });
});
