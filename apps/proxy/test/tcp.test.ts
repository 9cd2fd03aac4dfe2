// Opaque TCP through the sidecars: an outbound TCP listener per TCP service (127.0.0.1:<service
// port>) spliced to the service's endpoints, over mTLS to the peer sidecar's inbound TCP chain and
// on to the app; half-closes pass through; byte counters as events. Listeners come and go with LDS
// (bind on add, drain and close on remove); a port that cannot be bound is a NACK naming it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect, createServer, type Server, type Socket } from "node:net";
import { TypeUrl } from "@weft/contracts/proto";
import type { TcpConnectionRecord } from "../src/core/events";
import { startMeshPair, type MeshPair } from "./support/mesh-pair";
import { startTcpEcho, tcpRoundTrip, type TcpEcho } from "./support/tcp-echo";
import { closedPort } from "./support/upstreams";
import { inboundListener, outboundListener, tcpOutboundListener } from "./support/transport-fixtures";

let app: TcpEcho;
let pair: MeshPair;
let port: number;
const clientTcp: TcpConnectionRecord[] = [];
const serverTcp: TcpConnectionRecord[] = [];

beforeEach(async () => {
  app = await startTcpEcho();
  pair = await startMeshPair({ appPort: app.port });
  port = await closedPort();
  clientTcp.length = 0;
  serverTcp.length = 0;
  pair.client.events.on("tcp", (r) => clientTcp.push(r));
  pair.server.events.on("tcp", (r) => serverTcp.push(r));
});

afterEach(async () => {
  await pair.close();
  await app.close();
});

const payload = Buffer.from(Array.from({ length: 100 * 1024 }, (_, i) => i % 251));

describe("TCP through the sidecars", () => {
  for (const direct of [false, true]) {
    it(`${direct ? "one sidecar" : "two sidecars (mTLS)"}: bytes both ways, half-close passes through, counted per connection`, async () => {
      await pair.configure({ mode: "strict", protocol: "tcp", appPort: app.port, servicePort: port, direct });
      const echoed = await tcpRoundTrip(port, payload);
      expect(echoed.equals(payload)).toBe(true);
      await expect.poll(() => clientTcp.length).toBe(1);
      expect(clientTcp[0]).toMatchObject({
        direction: "outbound",
        listener: "weft.outbound.tcp|reviews.default",
        cluster: "reviews.default",
        bytesFromDownstream: payload.length,
        bytesToDownstream: payload.length,
        errorCode: undefined,
      });
      if (!direct) {
        await expect.poll(() => serverTcp.length).toBe(1);
        expect(serverTcp[0]).toMatchObject({ direction: "inbound", listener: "weft.inbound", cluster: "weft.inbound|local", peer: "spiffe://weft.local/ns/default/sa/productpage", bytesFromDownstream: payload.length });
      }
    });
  }

  it("PERMISSIVE: a plaintext TCP client reaches the app through the inbound port too", async () => {
    await pair.configure({ mode: "permissive", protocol: "tcp", appPort: app.port, servicePort: port });
    expect((await tcpRoundTrip(port, Buffer.from("via mtls"))).toString()).toBe("via mtls");
    expect((await tcpRoundTrip(pair.server.ports.inbound, Buffer.from("plain"))).toString()).toBe("plain");
    await expect.poll(() => serverTcp.length).toBe(2);
    expect(serverTcp.map((r) => r.peer)).toEqual(["spiffe://weft.local/ns/default/sa/productpage", undefined]);
  });

  it("STRICT: plaintext on the inbound TCP port is refused before it reaches the app", async () => {
    await pair.configure({ mode: "strict", protocol: "tcp", appPort: app.port, servicePort: port });
    // The TLS handshake fails on the garbage: the connection is closed with nothing echoed.
    const got = await tcpRoundTrip(pair.server.ports.inbound, Buffer.from("sneak")).catch(() => Buffer.alloc(0));
    expect(got.length).toBe(0);
    expect(app.connections).toBe(0);
  });
});

describe("outbound TCP listeners follow LDS", () => {
  it("binds on add; on remove stops accepting, lets open connections run for the drain period, then cuts them", async () => {
    await pair.configure({ mode: "strict", protocol: "tcp", appPort: app.port, servicePort: port });
    const open: Socket = connect({ port, host: "127.0.0.1" });
    await new Promise((r) => open.once("connect", r));
    const echoOnce = (text: string) =>
      new Promise<string>((resolve) => {
        open.once("data", (d: Buffer) => resolve(d.toString()));
        open.write(text);
      });
    expect(await echoOnce("before")).toBe("before");
    const lds = pair.adsClient.set(TypeUrl.Listener, [inboundListener(pair.client.ports.inbound, "strict"), outboundListener(pair.client.ports.outbound)]);
    await pair.adsClient.waitForAck(TypeUrl.Listener, lds);
    await expect(tcpRoundTrip(port, Buffer.from("new"))).rejects.toThrow(/ECONNREFUSED/);
    expect(await echoOnce("still open")).toBe("still open");
    const closed = new Promise((r) => open.once("close", r));
    pair.clock.advance(5_000);
    await closed;
    const dump = (await (await fetch(`${pair.client.adminUrl}/config_dump`)).json()) as { config: { tcpListeners: unknown[] } };
    expect(dump.config.tcpListeners).toEqual([]);
  });

  it("NACKs a TCP listener whose port cannot be bound, naming it, and keeps the previous config", async () => {
    await pair.configure({ mode: "strict", protocol: "tcp", appPort: app.port, servicePort: port });
    const squatter: Server = createServer();
    const taken = await new Promise<number>((resolve) => squatter.listen(0, "127.0.0.1", () => resolve((squatter.address() as { port: number }).port)));
    try {
      const from = pair.adsClient.requests.length;
      pair.adsClient.set(TypeUrl.Listener, [
        inboundListener(pair.client.ports.inbound, "strict"),
        outboundListener(pair.client.ports.outbound),
        tcpOutboundListener("reviews", "default", port),
        tcpOutboundListener("db", "default", taken),
      ]);
      const nack = await pair.adsClient.waitForNack(TypeUrl.Listener, { from });
      expect(nack.errorDetail!.message).toBe(`listener "weft.outbound.tcp|db.default": cannot bind 127.0.0.1:${taken}: EADDRINUSE`);
      expect((await tcpRoundTrip(port, Buffer.from("kept"))).toString()).toBe("kept");
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
  });
});
