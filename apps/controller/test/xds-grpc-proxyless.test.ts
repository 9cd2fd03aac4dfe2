// Proof that the controller's xDS is what a standard client expects: @grpc/grpc-js-xds (the gRPC
// team's proxyless xDS client) dials xds:///reviews against the controller, follows an 80/20 split
// set through the API, and then a change to 0/100.
import * as grpc from "@grpc/grpc-js";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startTestController, waitFor, type TestController } from "./harness";

const WHO = {
  path: "/weft.test.Echo/Who",
  requestStream: false,
  responseStream: false,
  requestSerialize: (b: Buffer) => b,
  requestDeserialize: (b: Buffer) => b,
  responseSerialize: (b: Buffer) => b,
  responseDeserialize: (b: Buffer) => b,
} as const;
const EchoClient = grpc.makeGenericClientConstructor({ Who: WHO }, "Echo");

async function startEcho(version: string): Promise<{ port: number; server: grpc.Server }> {
  const server = new grpc.Server();
  server.addService({ Who: WHO }, { Who: (_call: unknown, cb: grpc.sendUnaryData<Buffer>) => cb(null, Buffer.from(version)) });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return { port, server };
}

let t: TestController;
let servers: grpc.Server[] = [];
let client: grpc.Client;
let serviceId: string;

beforeAll(async () => {
  t = await startTestController();
  const v1 = await startEcho("v1");
  const v2 = await startEcho("v2");
  servers = [v1.server, v2.server];

  serviceId = (await t.api.services.create.mutate({ name: "reviews", protocol: "grpc", port: 50051 })).service.id;
  for (const [version, port] of [["v1", v1.port], ["v2", v2.port]] as const) {
    await t.api.versions.create.mutate({ serviceId, name: version });
    await t.api.endpoints.create.mutate({ serviceId, version, address: "127.0.0.1", port });
  }
  await t.api.splits.set.mutate({ serviceId, backends: [{ version: "v1", weight: 80 }, { version: "v2", weight: 20 }] });

  process.env.GRPC_XDS_BOOTSTRAP_CONFIG = JSON.stringify({
    xds_servers: [{ server_uri: t.controller.xdsAddress, channel_creds: [{ type: "insecure" }], server_features: ["xds_v3"] }],
    node: { id: "proxyless-test-client", cluster: "test", locality: {} },
  });
  const xds = await import("@grpc/grpc-js-xds");
  xds.register();
  client = new EchoClient("xds:///reviews", grpc.credentials.createInsecure());
});

afterAll(async () => {
  client?.close();
  for (const s of servers) s.forceShutdown();
  await t?.close();
});

function who(): Promise<string> {
  return new Promise((resolve, reject) =>
    client.makeUnaryRequest(WHO.path, WHO.requestSerialize, WHO.responseDeserialize, Buffer.alloc(0), { deadline: Date.now() + 5000 }, (err, res) =>
      err ? reject(err) : resolve(res!.toString()),
    ),
  );
}

async function tally(n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const v = await who();
    counts[v] = (counts[v] ?? 0) + 1;
  }
  return counts;
}

it("splits calls 80/20 within ±5 points, then follows a change to 0/100 within 2 s", async () => {
  await waitFor("the first call through xds:///reviews", () => who(), 10_000);
  const n = 1000;
  const counts = await tally(n);
  const v1Share = ((counts.v1 ?? 0) / n) * 100;
  expect(v1Share).toBeGreaterThanOrEqual(75);
  expect(v1Share).toBeLessThanOrEqual(85);
  expect((counts.v1 ?? 0) + (counts.v2 ?? 0)).toBe(n);

  await t.api.splits.set.mutate({ serviceId, backends: [{ version: "v1", weight: 0 }, { version: "v2", weight: 100 }] });
  // Deadline, not a benchmark: the change must reach the client within 2 s.
  await waitFor("every call to reach v2", async () => (await tally(20)).v2 === 20, 2000, 0);
  expect(await tally(200)).toEqual({ v2: 200 });

  // The controller lists the proxyless client with the versions it ACKed.
  const proxies = await t.api.proxies.list.query();
  const me = proxies.find((p) => p.nodeId === "proxyless-test-client");
  expect(me).toMatchObject({ kind: "xds-client", upToDate: true });
  expect(me!.resources.map((r) => r.type).sort()).toEqual(["CDS", "EDS", "LDS", "RDS"]);
});

it("accepts Weft's policies (peak EWMA with a round_robin fallback, optional rate limit) and applies a fault abort", async () => {
  await t.api.services.update.mutate({ id: serviceId, policy: { outlierDetection: { consecutive5xx: 5 }, circuitBreaker: { maxRequests: 1000 } } });
  const route = (await t.api.services.byId.query({ id: serviceId })).routes[0]!;
  await t.api.routes.update.mutate({
    id: route.id,
    policy: { timeoutMs: 5000, retries: { retryOn: ["unavailable"], allowNonIdempotent: true }, rateLimit: { requestsPerSecond: 1000 }, fault: { abort: { status: 503, percent: 100 } } },
  });
  // gRPC maps the injected HTTP 503 to UNAVAILABLE.
  await waitFor("the fault to apply", async () => {
    try {
      await who();
      return false;
    } catch (err) {
      return (err as grpc.ServiceError).code === grpc.status.UNAVAILABLE;
    }
  }, 5000, 50);
  await t.api.routes.update.mutate({ id: route.id, policy: { timeoutMs: 5000, rateLimit: { requestsPerSecond: 1000 } } });
  await waitFor("calls to succeed again", async () => (await who()) === "v2", 5000, 50);

  const me = (await t.api.proxies.list.query()).find((p) => p.nodeId === "proxyless-test-client")!;
  expect(me.resources.every((r) => r.nack === null)).toBe(true);
  expect(me.upToDate).toBe(true);
});
