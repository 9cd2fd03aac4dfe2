import { describe, expect, it } from "vitest";
import { ErrorCode } from "@weft/contracts";
import { balancerLayer } from "./balancer";
import { makeContext, snapshotFrom, terminalOk } from "../../test/support/runtime";
import { assignment, edsCluster } from "../../test/support/xds-fixtures";

const config = snapshotFrom({
  clusters: [edsCluster("reviews.default"), edsCluster("reviews.default|v1"), edsCluster("reviews.default|v2"), edsCluster("down.default")],
  endpoints: [
    assignment("reviews.default", [{ port: 1 }, { port: 2 }]),
    assignment("reviews.default|v1", [{ port: 1 }]),
    assignment("reviews.default|v2", [{ port: 2 }]),
    assignment("down.default", [{ port: 3, health: "UNHEALTHY" }, { port: 4, health: "DRAINING" }]),
  ],
});
const handler = balancerLayer()(terminalOk);

describe("balancerLayer", () => {
  it("picks an endpoint and learns its version from the version clusters", async () => {
    const seen: string[] = [];
    for (let i = 0; i < 2; i++) {
      const ctx = makeContext({ config });
      ctx.cluster = config.clusters.get("reviews.default");
      await handler(ctx);
      seen.push(`${ctx.endpoint!.port}:${ctx.destination.version}`);
    }
    expect(seen.sort()).toEqual(["1:v1", "2:v2"]);
  });

  it("WEFT_NO_HEALTHY_ENDPOINT says how many endpoints exist", async () => {
    const ctx = makeContext({ config });
    ctx.cluster = config.clusters.get("down.default");
    await expect(handler(ctx)).rejects.toThrow(
      expect.objectContaining({ code: ErrorCode.NoHealthyEndpoint, message: 'cluster "down.default" has no healthy endpoint (2 known, 0 healthy)' }),
    );
  });
});
