// Two sidecars with real workload identities from a test CA (gRPC Sign with join tokens): a client
// sidecar "productpage" and a server sidecar "reviews" in front of the test's app, each with its own
// test ADS server (listener ports differ), sharing one fake clock started at the real time (node:tls
// checks certificate validity against real time; rotation follows the fake clock).
import { createFakeClock, createTestCa, startAdsTestServer, type AdsTestServer, type FakeClock, type TestCa, type TestCaServer } from "@weft/test-kit";
import type { ProxyEventMap } from "../../src/core/events";
import { startTestSidecar, waitForMesh, type TestSidecar } from "./harness";
import { setTransportMesh, type MeshService, type MtlsMode } from "./transport-fixtures";

export const CLIENT_TOKEN = "weft_jt_client-token";
export const SERVER_TOKEN = "weft_jt_server-token";

export interface MeshPair {
  clock: FakeClock;
  ca: TestCa;
  caServer: TestCaServer;
  adsClient: AdsTestServer;
  adsServer: AdsTestServer;
  /** productpage's sidecar: the test calls its outbound listener. */
  client: TestSidecar;
  /** reviews' sidecar: in front of the app. */
  server: TestSidecar;
  /** Events of both sidecars, recorded. */
  serverRequests: Array<ProxyEventMap["request"]>;
  clientRequests: Array<ProxyEventMap["request"]>;
  /** Pushes both sidecars' configs and waits for their ACKs. */
  /** `direct`: the client sidecar's cluster points at the app itself (plaintext), skipping the server sidecar. */
  configure(opts: { mode: MtlsMode; protocol: "http" | "grpc" | "tcp"; appPort: number; servicePort?: number; direct?: boolean; noRouteTimeout?: boolean }): Promise<void>;
  close(): Promise<void>;
}

export async function identityReady(sidecar: TestSidecar): Promise<void> {
  if (sidecar.identity?.current !== undefined) return;
  await new Promise<void>((resolve) => {
    const off = sidecar.events.on("identity", (e) => {
      if (e.state === "issued") {
        off();
        resolve();
      }
    });
  });
}

export async function startMeshPair(opts: { appPort: number; caTtlMs?: number; serverEnv?: Record<string, string> }): Promise<MeshPair> {
  const clock = createFakeClock(Date.now());
  const ca = await createTestCa({ now: () => clock.now(), ...(opts.caTtlMs ? { ttlMs: opts.caTtlMs } : {}) });
  const caServer = await ca.startServer({ [CLIENT_TOKEN]: { service: "productpage" }, [SERVER_TOKEN]: { service: "reviews" } });
  const adsClient = await startAdsTestServer();
  const adsServer = await startAdsTestServer();
  const client = await startTestSidecar({
    controller: adsClient.address,
    appPort: 1,
    service: "productpage",
    clock,
    env: { WEFT_JOIN_TOKEN: CLIENT_TOKEN, WEFT_CA_ADDRESS: caServer.address },
  });
  const server = await startTestSidecar({
    controller: adsServer.address,
    appPort: opts.appPort,
    service: "reviews",
    clock,
    env: { WEFT_JOIN_TOKEN: SERVER_TOKEN, WEFT_CA_ADDRESS: caServer.address, WEFT_NODE_ID: "test-reviews", ...opts.serverEnv },
  });
  clock.advance(0); // the first CSR is scheduled at once
  await Promise.all([identityReady(client), identityReady(server)]);
  const serverRequests: MeshPair["serverRequests"] = [];
  const clientRequests: MeshPair["clientRequests"] = [];
  server.events.on("request", (r) => serverRequests.push(r));
  client.events.on("request", (r) => clientRequests.push(r));
  return {
    clock,
    ca,
    caServer,
    adsClient,
    adsServer,
    client,
    server,
    serverRequests,
    clientRequests,
    async configure(c) {
      const endpoint = c.direct ? { port: c.appPort, mtls: false } : { port: server.ports.inbound };
      const service: MeshService = { name: "reviews", protocol: c.protocol, port: c.servicePort ?? 9080, endpoints: [endpoint] };
      const app = c.protocol === "grpc" ? "h2" : c.protocol === "tcp" ? "tcp" : "http1";
      await Promise.all([
        waitForMesh(adsClient, setTransportMesh(adsClient, { inboundPort: client.ports.inbound, outboundPort: client.ports.outbound, appPort: 1, mode: c.mode }, [service], c)),
        waitForMesh(adsServer, setTransportMesh(adsServer, { inboundPort: server.ports.inbound, outboundPort: server.ports.outbound, appPort: c.appPort, mode: c.mode, app }, [], c)),
      ]);
    },
    async close() {
      await Promise.all([client.close(), server.close()]);
      await Promise.all([adsClient.close(), adsServer.close(), caServer.close()]);
    },
  };
}
