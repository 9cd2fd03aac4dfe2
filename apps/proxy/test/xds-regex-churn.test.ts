// Regex memory over config churn: re2-wasm runs in a fixed 16 MB WebAssembly heap and keeps each
// compiled regex until it is deleted. With every RDS update bringing 1,000 new patterns (the live
// config never holds more than 1,000), the sidecar must keep ACKing — compiled regexes are freed
// least recently used first, and a matcher whose regex was freed compiles it again when used.
import { describe, expect, it } from "vitest";
import { loadProtos, TypeUrl, typeNameOf } from "@weft/contracts/proto";
import { createConfigStore } from "../src/discovery/config-store";
import { NackError } from "../src/discovery/translate/wire";
import { compileRegex, compiledRegexCount, MAX_COMPILED } from "../src/discovery/translate/string-match";
import { edsCluster, inboundRoutes, listener, routeConfig } from "./support/xds-fixtures";

const protos = loadProtos();
const wire = (t: string, rs: Record<string, unknown>[]) => rs.map((r) => protos.decode<Record<string, unknown>>(typeNameOf(t), protos.encode(typeNameOf(t), r)));
const bound = { inbound: { address: "127.0.0.1", port: 15006 }, outbound: { address: "127.0.0.1", port: 15001 } };

function rds(update: number): Record<string, unknown>[] {
  const routes = Array.from({ length: 1000 }, (_, i) => ({ name: `r${i}`, match: { safe_regex: { regex: `/v${update}/r${i}/[a-z]+` } }, route: { cluster: "a.ns" } }));
  return [routeConfig("weft.outbound", [{ name: "a.ns", domains: ["a"], routes }]), inboundRoutes()];
}

describe("regex memory over config churn", () => {
  it("the 12th RDS update of 1,000 fresh regexes is still ACKed", async () => {
    const store = createConfigStore({ bound });
    await store.apply(TypeUrl.Cluster, wire(TypeUrl.Cluster, [edsCluster("a.ns")]));
    await store.apply(TypeUrl.Listener, wire(TypeUrl.Listener, [listener("weft.outbound", "127.0.0.1", 15001)]));
    const nacks: string[] = [];
    for (let update = 1; update <= 12; update++) {
      try {
        await store.apply(TypeUrl.RouteConfiguration, wire(TypeUrl.RouteConfiguration, rds(update)), `v${update}`);
      } catch (err) {
        if (!(err instanceof NackError)) throw err;
        nacks.push(`update ${update}: ${err.message.slice(0, 160)}`);
      }
    }
    expect(nacks).toEqual([]);
    expect(compiledRegexCount()).toBeLessThanOrEqual(MAX_COMPILED);
    // The first update's patterns were freed long ago; a matcher holding one still matches.
    const early = compileRegex({ regex: "/v1/r0/[a-z]+" }, "test");
    expect([early.test("/v1/r0/abc"), early.test("/v1/r0/ABC")]).toEqual([true, false]);
  }, 60_000);
});
