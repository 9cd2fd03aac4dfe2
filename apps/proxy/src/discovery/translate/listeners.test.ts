import { describe, expect, it } from "vitest";
import { toListenerConfigs, translateListeners } from "./listeners";
import { listener } from "../../../test/support/xds-fixtures";
import { downstreamTlsSocket, inboundListener, tcpOutboundListener } from "../../../test/support/transport-fixtures";

const bound = { inbound: { address: "127.0.0.1", port: 15006 }, outbound: { address: "127.0.0.1", port: 15001 } };
const reason = (...ls: Array<Record<string, unknown>>) => {
  try {
    translateListeners(ls as never, bound);
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
    expect([...out.values()].map((l) => [l.name, l.port, l.routeConfigName, l.transport.chains.length, l.transport.chains[0]!.tls])).toEqual([
      ["weft.inbound", 15006, "weft.inbound", 1, undefined],
      ["weft.outbound", 15001, "weft.outbound", 1, undefined],
    ]);
  });

  it("NACKs an address other than the bound one", () => {
    expect(reason(listener("weft.inbound", "0.0.0.0", 15006))).toMatch(/^listener "weft.inbound": address 0.0.0.0:15006 differs from the address this sidecar is bound to \(127.0.0.1:15006\)/);
  });

  it("NACKs what it cannot apply yet", () => {
    expect(reason(hcm({ rds: undefined, route_config: { name: "x" } }))).toContain("inline route_config not supported yet; use rds");
    expect(reason(hcm({ http_filters: [] }))).toContain("http_filters must end with envoy.filters.http.router");
    const twoPlain = listener("weft.outbound", "127.0.0.1", 15001) as any;
    twoPlain.filter_chains.push(twoPlain.filter_chains[0]);
    expect(reason(twoPlain)).toContain('two filter chains must match transport_protocol "tls" and "raw_buffer" (PERMISSIVE)');
  });
});

describe("listener transport (mTLS, PERMISSIVE, TCP)", () => {
  it("STRICT: one TLS chain requiring a mesh client certificate, ALPN h2 then http/1.1", () => {
    const l = translateListeners([inboundListener(15006, "strict")] as never, bound).main.get("weft.inbound")!;
    expect(l.transport).toEqual({
      tlsInspector: false,
      chains: [
        {
          transportProtocol: undefined,
          kind: "http",
          routeConfigName: "weft.inbound",
          tcpCluster: "",
          tls: { requireClientCertificate: true, alpn: ["h2", "http/1.1"], san: [{ kind: "prefix", value: "spiffe://weft.local/" }] },
        },
      ],
    });
  });

  it("PERMISSIVE: tls_inspector and a chain per transport protocol; TCP inbound goes to the local app", () => {
    const l = translateListeners([inboundListener(15006, "permissive", "tcp")] as never, bound).main.get("weft.inbound")!;
    expect(l.routeConfigName).toBe("");
    expect(l.transport.tlsInspector).toBe(true);
    expect(l.transport.chains.map((c) => [c.transportProtocol, c.kind, c.tcpCluster, c.tls?.requireClientCertificate])).toEqual([
      ["tls", "tcp", "weft.inbound|local", true],
      ["raw_buffer", "tcp", "weft.inbound|local", undefined],
    ]);
  });

  it("outbound TCP listeners: one per service on 127.0.0.1, ports unique", () => {
    const out = translateListeners([tcpOutboundListener("db", "default", 5432), tcpOutboundListener("cache", "default", 6379)] as never, bound);
    expect([...out.tcp.values()].map((l) => [l.name, l.address, l.port, l.transport.chains[0]!.tcpCluster])).toEqual([
      ["weft.outbound.tcp|db.default", "127.0.0.1", 5432, "db.default"],
      ["weft.outbound.tcp|cache.default", "127.0.0.1", 6379, "cache.default"],
    ]);
    expect(reason(tcpOutboundListener("db", "default", 5432), tcpOutboundListener("db2", "default", 5432))).toBe(
      'listener "weft.outbound.tcp|db2.default": port 5432 is already used by listener "weft.outbound.tcp|db.default"',
    );
    expect(reason(tcpOutboundListener("db", "default", 15001))).toContain("port 15001 is already used by the sidecar's own listener");
    const exposed = tcpOutboundListener("db", "default", 5432) as any;
    exposed.address.socket_address.address = "0.0.0.0";
    expect(reason(exposed)).toContain("must be 127.0.0.1: outbound TCP listeners serve the local app only");
  });

  it("NACKs transport fields it cannot honour, naming them", () => {
    const strict = () => inboundListener(15006, "strict") as any;
    const tlsCtx = (l: any) => l.filter_chains[0].transport_socket.typed_config;
    let l = strict();
    tlsCtx(l).common_tls_context.tls_certificate_provider_instance.instance_name = "other";
    expect(reason(l)).toBe(
      'listener "weft.inbound" filter_chains[0] transport_socket DownstreamTlsContext common_tls_context: tls_certificate_provider_instance.instance_name must be "weft" (the sidecar\'s identity), got "other"',
    );
    l = strict();
    tlsCtx(l).common_tls_context.tls_certificates = [{ certificate_chain: { inline_string: "x" } }];
    expect(reason(l)).toContain("common_tls_context: tls_certificates not supported yet");
    l = strict();
    tlsCtx(l).common_tls_context.validation_context.match_typed_subject_alt_names[0].san_type = "DNS";
    expect(reason(l)).toContain("match_typed_subject_alt_names[0]: san_type DNS not supported yet (URI: SPIFFE IDs)");
    l = strict();
    delete tlsCtx(l).common_tls_context.validation_context;
    expect(reason(l)).toContain("validation_context is missing");
    l = strict();
    tlsCtx(l).require_sni = { value: true };
    expect(reason(l)).toContain("DownstreamTlsContext: require_sni not supported yet");
    l = strict();
    l.filter_chains[0].filter_chain_match = { server_names: ["a"] };
    expect(reason(l)).toBe('listener "weft.inbound" filter_chains[0]: filter_chain_match.server_names not supported yet (only transport_protocol)');
    l = strict();
    l.listener_filters = [{ name: "envoy.filters.listener.http_inspector", typed_config: { "@type": "type.googleapis.com/x.HttpInspector" } }];
    expect(reason(l)).toContain("listener_filters[0]: listener filter envoy.filters.listener.http_inspector not supported yet");
    l = inboundListener(15006, "permissive") as any;
    delete l.listener_filters;
    expect(reason(l)).toContain("two filter chains need the envoy.filters.listener.tls_inspector listener filter");
    l = strict();
    l.filter_chains[0].transport_socket = { name: "envoy.transport_sockets.alts", typed_config: { "@type": "type.googleapis.com/envoy.extensions.transport_sockets.alts.v3.Alts" } };
    expect(reason(l)).toContain("transport socket envoy.transport_sockets.alts not supported yet");
    l = tcpOutboundListener("db", "default", 5432) as any;
    l.filter_chains[0].filters[0].typed_config.weighted_clusters = { clusters: [{ name: "a", weight: 1 }] };
    expect(reason(l)).toContain("tcp_proxy weighted_clusters not supported yet");
    l = tcpOutboundListener("db", "default", 5432) as any;
    l.filter_chains[0].transport_socket = downstreamTlsSocket();
    expect(reason(l)).toContain("an outbound TCP listener needs exactly one plaintext filter chain with tcp_proxy");
    const other = listener("weft.outbound", "127.0.0.1", 15001) as any;
    other.filter_chains[0].filters[0] = { name: "envoy.filters.network.redis_proxy", typed_config: { "@type": "type.googleapis.com/x.RedisProxy" } };
    expect(reason(other)).toContain("network filter envoy.filters.network.redis_proxy not supported yet");
  });
});
