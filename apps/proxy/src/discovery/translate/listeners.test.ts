import { describe, expect, it } from "vitest";
import { TypeUrl } from "@weft/contracts/proto";
import { toListenerConfigs } from "./listeners";
import { listener } from "../../../test/support/xds-fixtures";

const bound = { inbound: { address: "127.0.0.1", port: 15006 }, outbound: { address: "127.0.0.1", port: 15001 } };
const reason = (l: Record<string, unknown>) => {
  try {
    toListenerConfigs([l] as never, bound);
  } catch (err) {
    return (err as Error).message;
  }
  return "accepted";
};
const hcm = (patch: Record<string, unknown>) => {
  const l = listener("weft.outbound", "127.0.0.1", 15001) as any;
  Object.assign(l.filter_chains[0].filters[0].typed_config, patch);
  return l;
};

describe("toListenerConfigs", () => {
  it("translates the sidecar's listeners and ignores other names", () => {
    const out = toListenerConfigs(
      [listener("weft.inbound", "127.0.0.1", 15006), listener("weft.outbound", "127.0.0.1", 15001, "weft.outbound"), listener("other", "0.0.0.0", 1)] as never,
      bound,
    );
    expect([...out.values()]).toEqual([
      { name: "weft.inbound", address: "127.0.0.1", port: 15006, routeConfigName: "weft.inbound" },
      { name: "weft.outbound", address: "127.0.0.1", port: 15001, routeConfigName: "weft.outbound" },
    ]);
  });

  it("NACKs an address other than the bound one", () => {
    expect(reason(listener("weft.inbound", "0.0.0.0", 15006))).toMatch(/^listener "weft.inbound": address 0.0.0.0:15006 differs from the address this sidecar is bound to \(127.0.0.1:15006\)/);
  });

  it("NACKs what it cannot apply yet", () => {
    expect(reason(hcm({ rds: undefined, route_config: { name: "x" } }))).toContain("inline route_config not supported yet; use rds");
    expect(
      reason(hcm({ http_filters: [{ name: "envoy.filters.http.fault", typed_config: { "@type": "type.googleapis.com/x.Fault" } }, { name: "envoy.filters.http.router", typed_config: { "@type": TypeUrl.Router } }] })),
    ).toBe('listener "weft.outbound" filter_chains[0].filters[0] http_filters[0]: http filter envoy.filters.http.fault not supported yet');
    expect(reason(hcm({ http_filters: [] }))).toContain("http_filters must end with envoy.filters.http.router");
    const tls = listener("weft.outbound", "127.0.0.1", 15001) as any;
    tls.filter_chains[0].transport_socket = { name: "tls" };
    expect(reason(tls)).toContain("transport_socket (TLS) not supported yet");
    const twoChains = listener("weft.outbound", "127.0.0.1", 15001) as any;
    twoChains.filter_chains.push(twoChains.filter_chains[0]);
    expect(reason(twoChains)).toContain("needs exactly one filter chain (got 2)");
  });
});
