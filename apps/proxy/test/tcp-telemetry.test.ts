// TCP telemetry through two sidecars (mTLS): connections opened and closed and bytes both ways on
// /metrics (outbound by destination version, inbound by the caller's verified identity) and in the
// report stream — bytes of a connection still open included.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { connect } from "node:net";
import { startMeshPair, type MeshPair } from "./support/mesh-pair";
import { startTcpEcho, tcpRoundTrip, type TcpEcho } from "./support/tcp-echo";
import { closedPort } from "./support/upstreams";
import { nextEvent, send } from "./support/harness";

let app: TcpEcho;
let pair: MeshPair;
let port: number;

beforeEach(async () => {
  app = await startTcpEcho();
  pair = await startMeshPair({ appPort: app.port });
  port = await closedPort();
  await pair.configure({ mode: "strict", protocol: "tcp", appPort: app.port, servicePort: port });
});

afterEach(async () => {
  await pair.close();
  await app.close();
});

const OUT = 'direction="outbound",source_service="productpage",source_namespace="default",destination_service="reviews",destination_namespace="default",destination_version=""';
const IN = 'direction="inbound",source_service="productpage",source_namespace="default",destination_service="reviews",destination_namespace="default",destination_version="v1"';

describe("TCP telemetry", () => {
  it("counts connections and bytes on /metrics in both sidecars", async () => {
    const payload = Buffer.alloc(10_000, 7);
    for (let i = 0; i < 2; i++) expect((await tcpRoundTrip(port, payload)).length).toBe(payload.length);
    await expect.poll(async () => (await send(`${pair.server.adminUrl}/metrics`)).text).toContain(`weft_tcp_connections_closed_total{${IN}} 2`);
    await expect.poll(async () => (await send(`${pair.client.adminUrl}/metrics`)).text).toContain(`weft_tcp_connections_closed_total{${OUT}} 2`);
    const client = (await send(`${pair.client.adminUrl}/metrics`)).text;
    expect(client).toContain(`weft_tcp_connections_opened_total{${OUT}} 2`);
    expect(client).toContain(`weft_tcp_sent_bytes_total{${OUT}} 20000`);
    expect(client).toContain(`weft_tcp_received_bytes_total{${OUT}} 20000`);
    const server = (await send(`${pair.server.adminUrl}/metrics`)).text;
    expect(server).toContain(`weft_tcp_sent_bytes_total{${IN}} 20000`);
  });

  it("reports TCP deltas each window, the bytes of an open connection included", async () => {
    const socket = connect({ port, host: "127.0.0.1" });
    await new Promise((r) => socket.once("connect", r));
    socket.write(Buffer.alloc(3000, 1));
    let echoed = 0;
    await new Promise<void>((resolve) =>
      socket.on("data", (d: Buffer) => {
        echoed += d.length;
        if (echoed === 3000) resolve();
      }),
    );
    const from = pair.adsClient.reports.length;
    pair.clock.advance(1000);
    const open = await pair.adsClient.waitForReport((r) => r.tcp.length > 0, { from });
    expect(open.tcp).toEqual([
      {
        direction: "outbound", sourceService: "productpage", sourceNamespace: "default", destinationService: "reviews", destinationNamespace: "default", destinationVersion: "",
        connectionsOpened: 1, connectionsClosed: 0, bytesSent: 3000, bytesReceived: 3000,
      },
    ]);
    const closed = nextEvent(pair.client, "tcp");
    socket.end();
    await closed;
    const next = pair.adsClient.reports.length;
    pair.clock.advance(1000);
    const after = await pair.adsClient.waitForReport((r) => r.tcp.length > 0, { from: next });
    expect(after.tcp).toMatchObject([{ connectionsOpened: 0, connectionsClosed: 1, bytesSent: 0, bytesReceived: 0 }]);
  });
});
