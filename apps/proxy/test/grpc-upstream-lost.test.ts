// A gRPC app that goes away mid-call, behind two sidecars (mTLS): the caller gets UNAVAILABLE (a lost
// upstream, which callers may retry), after the messages sent before — not INTERNAL from a bare reset.
import { afterEach, expect, it } from "vitest";
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";
import { startMeshPair, type MeshPair } from "./support/mesh-pair";

interface Msg {
  text: string;
  count: number;
}
const definition = protoLoader.loadSync(fileURLToPath(new URL("./support/echo.proto", import.meta.url)), { keepCase: true, defaults: true });
const Echo = (grpc.loadPackageDefinition(definition) as unknown as { weft: { test: { Echo: grpc.ServiceClientConstructor } } }).weft.test.Echo;

let server: grpc.Server | undefined;
let pair: MeshPair | undefined;
let client: grpc.Client | undefined;

afterEach(async () => {
  client?.close();
  await pair?.close();
  server?.forceShutdown();
});

it("a call whose app dies mid-stream ends UNAVAILABLE after the messages sent before", async () => {
  const app = new grpc.Server();
  server = app;
  app.addService(Echo.service, {
    ServerStream(call: grpc.ServerWritableStream<Msg, Msg>) {
      for (let i = 0; i < 3; i++) call.write({ text: `m${i}`, count: i });
      // Never ends: the test shuts the app down once the caller has the three messages.
    },
  });
  const appPort = await new Promise<number>((resolve, reject) => app.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (e, p) => (e ? reject(e) : resolve(p))));
  pair = await startMeshPair({ appPort });
  await pair.configure({ mode: "strict", protocol: "grpc", appPort, noRouteTimeout: true });
  const echo = new Echo(`127.0.0.1:${pair.client.ports.outbound}`, grpc.credentials.createInsecure(), { "grpc.default_authority": "reviews:9080" });
  client = echo;
  const call = (echo as unknown as { ServerStream(req: Msg): grpc.ClientReadableStream<Msg> }).ServerStream({ text: "stream", count: 0 });
  const got: string[] = [];
  call.on("error", () => undefined);
  call.on("data", (m: Msg) => {
    got.push(m.text);
    if (got.length === 3) app.forceShutdown();
  });
  const status = await new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
  expect(got).toEqual(["m0", "m1", "m2"]);
  expect({ code: status.code, details: status.details }).toEqual({ code: grpc.status.UNAVAILABLE, details: "the upstream connection was lost mid-call" });
});
