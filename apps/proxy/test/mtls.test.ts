// mTLS between two sidecars with certificates from a real test CA (CSR + join token over gRPC):
// both sides see the other's SPIFFE ID, sidecar-to-sidecar traffic is HTTP/2 over TLS, STRICT
// refuses plaintext and certificates of another CA, PERMISSIVE takes both, and the client side
// refuses a server that is not the workload the cluster expects.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect as tlsConnect } from "node:tls";
import { connect as netConnect } from "node:net";
import { TypeUrl } from "@weft/contracts/proto";
import { createTestCa, startEchoServer, type EchoServer } from "@weft/test-kit";
import { send } from "./support/harness";
import { startMeshPair, type MeshPair } from "./support/mesh-pair";
import { assignmentWith, edsClusterWith, inboundListener, localAppCluster, mtlsMatches, outboundListener, protocolOptions } from "./support/transport-fixtures";

let app: EchoServer;
let pair: MeshPair;

beforeEach(async () => {
  app = await startEchoServer({ service: "reviews", version: "v1" });
  pair = await startMeshPair({ appPort: app.port });
});

afterEach(async () => {
  await pair.close();
  await app.close();
});

const callReviews = (path = "/x") => send(`${pair.client.outboundUrl}${path}`, { headers: { host: "reviews" } });

/** Writes one HTTP/1.1 request on a raw connection and collects whatever comes back until it closes. */
function rawExchange(socket: ReturnType<typeof netConnect>, host = "reviews", extraHeaders = ""): Promise<string> {
  return new Promise((resolve) => {
    let got = "";
    socket.on("data", (d: Buffer) => (got += d.toString()));
    socket.on("error", () => undefined);
    socket.on("close", () => resolve(got));
    socket.setTimeout(5000, () => socket.destroy());
    const write = () => socket.write(`GET /raw HTTP/1.1\r\nHost: ${host}\r\n${extraHeaders}Connection: close\r\n\r\n`);
    if ("encrypted" in socket) socket.once("secureConnect", write);
    else socket.once("connect", write);
  });
}

describe("mTLS between sidecars (STRICT)", () => {
  beforeEach(() => pair.configure({ mode: "strict", protocol: "http", appPort: app.port }));

  it("carries HTTP/1.1 from the app as HTTP/2 over mTLS, and each side sees the other's SPIFFE ID", async () => {
    const res = await callReviews("/hello");
    expect(res.status).toBe(200);
    expect(res.json()).toMatchObject({ service: "reviews", path: "/hello" });
    const inbound = pair.serverRequests.at(-1)!;
    expect(inbound).toMatchObject({ httpVersion: 2, tls: true });
    expect(inbound.peer?.spiffeId).toBe("spiffe://weft.local/ns/default/sa/productpage");
    // Telemetry source: the certificate, with the version from x-weft-source (same service).
    expect(inbound.source).toEqual({ service: "productpage", namespace: "default", version: "v1" });
    const outbound = pair.clientRequests.at(-1)!;
    expect(outbound.upstreamPeer).toBe("spiffe://weft.local/ns/default/sa/reviews");
    expect(outbound.httpVersion).toBe(1);
  });

  it("refuses plaintext on the inbound port: the connection closes without an answer", async () => {
    const refused: string[] = [];
    pair.server.events.on("connectionRefused", (e) => refused.push(e.reason));
    const got = await rawExchange(netConnect(pair.server.ports.inbound, "127.0.0.1"));
    expect(got).toBe("");
    expect(app.received).toHaveLength(0);
    expect(refused.join()).toContain("TLS handshake failed");
  });

  it("refuses a client certificate from another CA, and a client without one (no data reaches the app)", async () => {
    const other = await createTestCa();
    const stranger = await other.issue("productpage");
    const withForeignCert = await rawExchange(
      tlsConnect({ port: pair.server.ports.inbound, host: "127.0.0.1", ca: pair.ca.certPem, key: stranger.keyPem, cert: stranger.certPem, ALPNProtocols: ["http/1.1"], checkServerIdentity: () => undefined }),
    );
    const withoutCert = await rawExchange(
      tlsConnect({ port: pair.server.ports.inbound, host: "127.0.0.1", ca: pair.ca.certPem, ALPNProtocols: ["http/1.1"], checkServerIdentity: () => undefined }),
    );
    expect(withForeignCert).toBe("");
    expect(withoutCert).toBe("");
    expect(app.received).toHaveLength(0);
    // A mesh certificate gets through (TLS 1.3: rejection shows only as no data, so prove the positive too).
    const member = await pair.ca.issue("ratings");
    const ok = await rawExchange(
      tlsConnect({ port: pair.server.ports.inbound, host: "127.0.0.1", ca: pair.ca.certPem, key: member.keyPem, cert: member.certPem, ALPNProtocols: ["http/1.1"], checkServerIdentity: () => undefined }),
      "reviews",
      "x-weft-source: admin.kube-system|v9\r\n",
    );
    expect(ok).toMatch(/^HTTP\/1.1 200/);
    expect(pair.serverRequests.at(-1)!.peer?.spiffeId).toBe("spiffe://weft.local/ns/default/sa/ratings");
    // A forged x-weft-source cannot change who the certificate says the caller is.
    expect(pair.serverRequests.at(-1)!.source).toEqual({ service: "ratings", namespace: "default", version: "" });
  });

  it("the client side refuses a server that is not the expected workload (SAN matcher)", async () => {
    const version = pair.adsClient.set(TypeUrl.Cluster, [
      localAppCluster(1),
      edsClusterWith("reviews.default", { transport_socket_matches: mtlsMatches("spiffe://weft.local/ns/default/sa/ratings"), typed_extension_protocol_options: protocolOptions("auto") }),
    ]);
    await pair.adsClient.waitForAck(TypeUrl.Cluster, version);
    const eds = pair.adsClient.set(TypeUrl.ClusterLoadAssignment, [assignmentWith("reviews.default", [{ port: pair.server.ports.inbound, mtls: true }])]);
    await pair.adsClient.waitForAck(TypeUrl.ClusterLoadAssignment, eds);
    const res = await callReviews();
    expect(res.status).toBe(503);
    expect(res.json().code).toBe("WEFT_UPSTREAM_CONNECT_FAILED");
    expect(res.json().message).toContain("is not the expected workload: spiffe://weft.local/ns/default/sa/reviews does not match the expected exact \"spiffe://weft.local/ns/default/sa/ratings\"");
    expect(app.received).toHaveLength(0);
  });

  it("probes an endpoint's active health check through the same mTLS the data path uses: a healthy peer stays in balancing", async () => {
    const version = pair.adsClient.set(TypeUrl.Cluster, [
      localAppCluster(1),
      edsClusterWith("reviews.default", {
        transport_socket_matches: mtlsMatches("spiffe://weft.local/ns/default/sa/reviews"),
        typed_extension_protocol_options: protocolOptions("auto"),
        health_checks: [{ timeout: { seconds: 5 }, interval: { seconds: 10 }, healthy_threshold: { value: 1 }, unhealthy_threshold: { value: 1 }, http_health_check: { path: "/healthz" } }],
      }),
    ]);
    await pair.adsClient.waitForAck(TypeUrl.Cluster, version);
    // The first probe goes at once, through the server sidecar (STRICT refuses plaintext) to its app.
    await expect.poll(() => app.received.some((r) => r.path === "/healthz")).toBe(true);
    const res = await callReviews();
    expect({ status: res.status, error: res.headers["x-weft-error"] }).toEqual({ status: 200, error: undefined });
  });
});

describe("PERMISSIVE", () => {
  beforeEach(() => pair.configure({ mode: "permissive", protocol: "http", appPort: app.port }));

  it("accepts mTLS from a sidecar and plaintext from a caller without one, on the same port", async () => {
    expect((await callReviews("/via-mtls")).status).toBe(200);
    expect(pair.serverRequests.at(-1)!).toMatchObject({ tls: true, httpVersion: 2 });
    expect(pair.serverRequests.at(-1)!.peer?.service).toBe("productpage");
    const plain = await send(`${pair.server.inboundUrl}/plain`, { headers: { host: "reviews" } });
    expect(plain.status).toBe(200);
    expect(pair.serverRequests.at(-1)!).toMatchObject({ tls: false, peer: undefined, httpVersion: 1 });
    expect(pair.serverRequests.at(-1)!.source.service).toBe("external");
    expect(app.received.map((r) => r.path)).toEqual(["/via-mtls", "/plain"]);
  });
});

describe("listener swaps", () => {
  beforeEach(() => pair.configure({ mode: "permissive", protocol: "http", appPort: app.port }));

  it("PERMISSIVE -> STRICT: a plaintext connection opened before keeps working; new plaintext connections are refused", async () => {
    const { Agent } = await import("undici");
    const keepAlive = new Agent({ connections: 1, keepAliveTimeout: 60_000 });
    const first = await send(`${pair.server.inboundUrl}/before`, { headers: { host: "reviews" }, dispatcher: keepAlive });
    expect(first.status).toBe(200);
    const lds = pair.adsServer.set(TypeUrl.Listener, [inboundListener(pair.server.ports.inbound, "strict"), outboundListener(pair.server.ports.outbound)]);
    await pair.adsServer.waitForAck(TypeUrl.Listener, lds);
    const again = await send(`${pair.server.inboundUrl}/same-connection`, { headers: { host: "reviews" }, dispatcher: keepAlive });
    expect(again.status).toBe(200);
    await keepAlive.close();
    await expect(send(`${pair.server.inboundUrl}/new-connection`, { headers: { host: "reviews" } })).rejects.toThrow();
    expect((await callReviews("/mtls-still")).status).toBe(200);
    expect(app.received.map((r) => r.path)).toEqual(["/before", "/same-connection", "/mtls-still"]);
  });
});

describe("identity and config", () => {
  it("a sidecar without a join token NACKs TLS config, naming the field", async () => {
    const { startAdsTestServer } = await import("@weft/test-kit");
    const { startTestSidecar } = await import("./support/harness");
    const ads = await startAdsTestServer();
    const bare = await startTestSidecar({ controller: ads.address, appPort: app.port, service: "details" });
    try {
      ads.set(TypeUrl.Cluster, [edsClusterWith("reviews.default", { transport_socket_matches: mtlsMatches("spiffe://weft.local/ns/default/sa/reviews") })]);
      const nack = await ads.waitForNack(TypeUrl.Cluster);
      expect(nack.errorDetail!.message).toBe(
        'cluster "reviews.default" transport_socket_matches[0]: needs the sidecar\'s workload certificate (certificate provider "weft"), but this sidecar has no join token (set WEFT_JOIN_TOKEN)',
      );
    } finally {
      await bare.close();
      await ads.close();
    }
  });

  it("NACKs transport fields it cannot honour (through the real encoding) and keeps serving the previous config", async () => {
    await pair.configure({ mode: "strict", protocol: "http", appPort: app.port });
    const bad = inboundListener(pair.server.ports.inbound, "strict") as any;
    bad.filter_chains[0].transport_socket.typed_config.common_tls_context.tls_certificates = [{ certificate_chain: { inline_string: "-----BEGIN CERTIFICATE-----" } }];
    const from = pair.adsServer.requests.length;
    pair.adsServer.set(TypeUrl.Listener, [bad, outboundListener(pair.server.ports.outbound)]);
    const nack = await pair.adsServer.waitForNack(TypeUrl.Listener, { from });
    expect(nack.errorDetail!.message).toBe(
      'listener "weft.inbound" filter_chains[0] transport_socket DownstreamTlsContext common_tls_context: tls_certificates not supported yet (certificates come from the certificate provider instance "weft")',
    );
    expect((await callReviews("/after-nack")).status).toBe(200);
  });

  it("reports the identity on /config_dump without the key", async () => {
    await pair.configure({ mode: "strict", protocol: "http", appPort: app.port });
    const dump = (await send(`${pair.server.adminUrl}/config_dump`)).json();
    expect(dump.identity).toMatchObject({ state: "ready", spiffeId: "spiffe://weft.local/ns/default/sa/reviews", source: "ca" });
    expect(JSON.stringify(dump)).not.toContain("PRIVATE KEY");
    expect(dump.config.listeners[0].filterChains[0]).toMatchObject({ kind: "http", tls: { requireClientCertificate: true } });
    const ready = (await send(`${pair.server.adminUrl}/ready`)).json();
    expect(ready).toMatchObject({ ready: true, source: "controller", identity: "spiffe://weft.local/ns/default/sa/reviews" });
  });
});

