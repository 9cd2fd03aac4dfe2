import { describe, expect, it } from "vitest";
import { jsonToStruct } from "@weft/contracts/proto";
import { toClusterConfigs } from "./clusters";
import { toClusterTransport, transportLabelsByEndpoint } from "./cluster-transport";
import { upstreamTlsFor } from "../../core/transport-config";
import { assignmentWith, edsClusterWith, mtlsMatches, protocolOptions, upstreamTlsSocket } from "../../../test/support/transport-fixtures";

const reason = (c: Record<string, unknown>) => {
  try {
    toClusterConfigs([c] as never);
  } catch (err) {
    return (err as Error).message;
  }
  return "accepted";
};

describe("toClusterTransport", () => {
  it("reads transport_socket_matches (mTLS to marked endpoints) and auto_config / explicit HTTP/2", () => {
    const spiffe = "spiffe://weft.local/ns/default/sa/reviews";
    const t = toClusterTransport(edsClusterWith("reviews.default", { transport_socket_matches: mtlsMatches(spiffe), typed_extension_protocol_options: protocolOptions("auto") }) as never, "c");
    expect(t.protocol).toBe("auto");
    expect(t.tls).toBeUndefined();
    expect(t.matches).toEqual([
      { name: "mtls", match: { "weft.io/tls-mode": "mtls" }, tls: { sni: "", alpn: ["h2", "http/1.1"], san: [{ kind: "exact", value: spiffe }], key: `|h2,http/1.1|exact:${spiffe}` } },
    ]);
    expect(toClusterTransport(edsClusterWith("g", { typed_extension_protocol_options: protocolOptions("h2") }) as never, "c").protocol).toBe("http2");
    expect(toClusterTransport(edsClusterWith("p", {}) as never, "c")).toMatchObject({ protocol: "http1", tls: undefined, matches: [] });
  });

  it("picks the TLS of an endpoint by its metadata; unmarked endpoints get the cluster's transport_socket (plaintext here)", () => {
    const t = toClusterTransport(edsClusterWith("r", { transport_socket_matches: mtlsMatches("spiffe://weft.local/ns/default/sa/r") }) as never, "c");
    const labels = new Map();
    transportLabelsByEndpoint(assignmentWith("r", [{ port: 1, mtls: true }, { port: 2 }]) as never, labels);
    expect([...labels.keys()]).toEqual(["127.0.0.1:1"]);
    expect(upstreamTlsFor(t, labels.get("127.0.0.1:1"))?.san).toEqual([{ kind: "exact", value: "spiffe://weft.local/ns/default/sa/r" }]);
    expect(upstreamTlsFor(t, labels.get("127.0.0.1:2"))).toBeUndefined();
    const withDefault = toClusterTransport(edsClusterWith("r", { transport_socket: upstreamTlsSocket("spiffe://weft.local/ns/default/sa/x") }) as never, "c");
    expect(upstreamTlsFor(withDefault, undefined)?.san[0]!.value).toBe("spiffe://weft.local/ns/default/sa/x");
  });

  it("NACKs what it cannot honour, naming the field", () => {
    const tls = (patch: (ctx: any) => void) => {
      const socket = upstreamTlsSocket("spiffe://weft.local/ns/default/sa/r") as any;
      patch(socket.typed_config);
      return reason(edsClusterWith("r.default", { transport_socket: socket }));
    };
    expect(tls((c) => (c.common_tls_context.validation_context.ca_certificate_provider_instance = { instance_name: "spire" }))).toBe(
      'cluster "r.default" transport_socket UpstreamTlsContext common_tls_context validation_context: ca_certificate_provider_instance.instance_name must be "weft" (the mesh trust bundle), got "spire"',
    );
    expect(tls((c) => (c.common_tls_context.validation_context.trusted_ca = { filename: "/etc/ca.pem" }))).toContain("validation_context: trusted_ca not supported yet");
    expect(tls((c) => (c.common_tls_context.validation_context.match_typed_subject_alt_names[0].matcher = { safe_regex: { regex: ".*" } }))).toContain(
      "matcher.safe_regex not supported yet",
    );
    expect(tls((c) => (c.common_tls_context.alpn_protocols = ["h3"]))).toContain('alpn_protocols "h3" not supported yet (h2, http/1.1)');
    expect(tls((c) => delete c.common_tls_context.validation_context)).toContain("validation_context is missing");
    expect(reason(edsClusterWith("r.default", { transport_socket_matcher: { name: "x" } }))).toContain("transport_socket_matcher not supported yet");
    expect(reason(edsClusterWith("r.default", { typed_extension_protocol_options: { "envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions": { "@type": "x" } } }))).toContain(
      'typed_extension_protocol_options["envoy.extensions.upstreams.tcp.v3.TcpProtocolOptions"] not supported yet',
    );
    const h3 = protocolOptions("h2") as any;
    h3["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"].explicit_http_config = { http3_protocol_options: {} };
    expect(reason(edsClusterWith("r.default", { typed_extension_protocol_options: h3 }))).toContain("explicit_http_config.http3_protocol_options not supported yet");
    const down = protocolOptions("h2") as any;
    down["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"] = { "@type": down["envoy.extensions.upstreams.http.v3.HttpProtocolOptions"]["@type"], use_downstream_protocol_config: {} };
    expect(reason(edsClusterWith("r.default", { typed_extension_protocol_options: down }))).toContain("use_downstream_protocol_config not supported yet");
    expect(reason(edsClusterWith("r.default", { transport_socket_matches: [{ name: "m", match: jsonToStruct({ n: 1 }) }] }))).toContain('match["n"] must be a string');
  });
});
