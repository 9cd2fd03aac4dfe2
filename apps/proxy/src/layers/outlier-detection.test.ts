import { describe, expect, it } from "vitest";
import { ErrorCode } from "@weft/contracts";
import { ProxyError } from "../core/errors";
import { policyStack, reply } from "../../test/support/policy-stack";

const od = (o: Record<string, unknown>) => ({ cluster: { outlier_detection: { max_ejection_percent: { value: 100 }, ...o } } });
async function run(s: ReturnType<typeof policyStack>, n: number): Promise<number[]> {
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const { ctx, done } = s.send();
    await done;
    ports.push(ctx.endpoint?.port ?? 0);
  }
  return ports;
}

describe("outlierDetectionLayer", () => {
  it("ejects a host after consecutive 5xx, for base_ejection_time x ejections, then brings it back", async () => {
    const s = policyStack({
      ports: [1, 2],
      ...od({ consecutive_5xx: { value: 3 }, base_ejection_time: { seconds: 10 }, interval: { seconds: 1 } }),
      upstream: (c) => reply(c.port === 1 ? 500 : 200),
    });
    await run(s, 6); // host 1 fails 3 times in a row
    expect(await run(s, 4)).toEqual([2, 2, 2, 2]);
    s.clock.advance(10_000);
    const back = await run(s, 6);
    expect(back).toContain(1);
    // Second ejection: 2 x base = 20 s.
    await run(s, 6);
    s.clock.advance(10_000);
    expect(await run(s, 4)).toEqual([2, 2, 2, 2]);
    s.clock.advance(10_000);
    expect(await run(s, 4)).toContain(1);
  });

  it("counts connect failures as gateway failures, enforced only when enforcing_consecutive_gateway_failure is set", async () => {
    const failing = (port: number) => {
      if (port === 1) throw new ProxyError(ErrorCode.UpstreamConnectFailed, "refused");
      return reply(200);
    };
    const off = policyStack({ ports: [1, 2], ...od({ consecutive_5xx: { value: 0 }, consecutive_gateway_failure: { value: 2 } }), upstream: (c) => failing(c.port) });
    await run(off, 6);
    expect(await run(off, 4)).toContain(1);
    const on = policyStack({
      ports: [1, 2],
      ...od({ consecutive_5xx: { value: 0 }, consecutive_gateway_failure: { value: 2 }, enforcing_consecutive_gateway_failure: { value: 100 } }),
      upstream: (c) => failing(c.port),
    });
    await run(on, 4);
    expect(await run(on, 4)).toEqual([2, 2, 2, 2]);
  });

  it("never ejects more than max_ejection_percent of the hosts (one host always may be)", async () => {
    const s = policyStack({ ports: [1, 2, 3, 4], cluster: { outlier_detection: { consecutive_5xx: { value: 1 }, max_ejection_percent: { value: 30 } } }, upstream: () => reply(503) });
    await run(s, 8);
    const state = s.config.clusters.get("svc.ns")!.state;
    const ejected = [...state.stats()].filter(([, st]) => st.ejectedUntil > s.clock.now());
    expect(ejected).toHaveLength(1);
  });
});
