// gRPC through the sidecars with @grpc/grpc-js on both ends: every call kind with headers, messages
// and trailers (grpc-status, grpc-message, custom trailing metadata) intact, through one sidecar
// (client sidecar -> app over h2c) and two (-> HTTP/2 over mTLS -> server sidecar -> app);
// deadlines cancel the call end to end; the sidecar enforces grpc-timeout on its own clock; errors
// the sidecar generates are gRPC statuses; a gRPC app may also reach the sidecar as its http_proxy.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect as h2connect, constants } from "node:http2";
import { TypeUrl } from "@weft/contracts/proto";
import { startMeshPair, type MeshPair } from "./support/mesh-pair";
import { echoClient, grpc, startGrpcEcho, unary, type EchoClient, type GrpcEcho, type Msg } from "./support/grpc-echo";
import { assignmentWith } from "./support/transport-fixtures";

let app: GrpcEcho;
let pair: MeshPair;

for (const topology of ["two sidecars (mTLS)", "one sidecar"] as const) {
  describe(`gRPC through ${topology}`, () => {
    let client: EchoClient;

    beforeAll(async () => {
      app = await startGrpcEcho();
      pair = await startMeshPair({ appPort: app.port });
      await pair.configure({ mode: "strict", protocol: "grpc", appPort: app.port, direct: topology === "one sidecar" });
      client = echoClient(`127.0.0.1:${pair.client.ports.outbound}`, { authority: "reviews:9080" });
    });

    afterAll(async () => {
      client.close();
      await pair.close();
      await app.close();
    });

    it("unary: response, initial metadata and trailing metadata; an error status with its message", async () => {
      const ok = await unary(client, { text: "hi", count: 7 });
      expect(ok.res).toEqual({ text: "echo:hi", count: 7 });
      expect(ok.headers?.get("x-served-by")).toEqual(["reviews"]);
      expect(ok.trailers?.get("x-trailer")).toEqual(["done"]);
      const failed = await unary(client, { text: "fail" });
      expect(failed.err).toMatchObject({ code: grpc.status.NOT_FOUND, details: "no such book" });
      expect(failed.trailers?.get("x-trailer")).toEqual(["done"]);
      // The sidecar saw a gRPC request and, between sidecars, spoke HTTP/2 over mTLS.
      if (topology !== "one sidecar") expect(pair.serverRequests.at(-1)).toMatchObject({ grpc: true, httpVersion: 2, tls: true });
    });

    it("server streaming: every message in order, then the trailers", async () => {
      const call = client.ServerStream({ text: "m", count: 5 });
      const got: Msg[] = [];
      call.on("data", (m: Msg) => got.push(m));
      const status = await new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
      expect(got.map((m) => m.text)).toEqual(["m#0", "m#1", "m#2", "m#3", "m#4"]);
      expect(status.code).toBe(grpc.status.OK);
      expect(status.metadata.get("x-trailer")).toEqual(["done"]);
    });

    it("client streaming: every message reaches the app before its answer", async () => {
      const res = await new Promise<Msg>((resolve, reject) => {
        const call = client.ClientStream(new grpc.Metadata(), {}, (err, r) => (err ? reject(err) : resolve(r!)));
        for (const t of ["a", "b", "c"]) call.write({ text: t });
        call.end();
      });
      expect(res).toEqual({ text: "a,b,c", count: 3 });
    });

    it("bidi streaming: interleaved request and response messages", async () => {
      const call = client.Bidi();
      const answers: string[] = [];
      for (let i = 0; i < 3; i++) {
        const next = new Promise<Msg>((resolve) => call.once("data", resolve));
        call.write({ text: `q${i}`, count: i });
        answers.push((await next).text); // each answer arrives before the next question is sent
      }
      call.end();
      const status = await new Promise<grpc.StatusObject>((resolve) => call.on("status", resolve));
      expect(answers).toEqual(["re:q0", "re:q1", "re:q2"]);
      expect(status.metadata.get("x-trailer")).toEqual(["done"]);
    });

    it("a client deadline fails the call with DEADLINE_EXCEEDED and cancels it at the app", async () => {
      const before = app.cancelled;
      const res = await unary(client, { text: "hang" }, { deadline: Date.now() + 300 });
      expect(res.err?.code).toBe(grpc.status.DEADLINE_EXCEEDED);
      await expect.poll(() => app.cancelled, { timeout: 5000 }).toBe(before + 1);
    });
  });
}

describe("gRPC: what the sidecar does itself", () => {
  let client: EchoClient;

  beforeAll(async () => {
    app = await startGrpcEcho();
    pair = await startMeshPair({ appPort: app.port });
    await pair.configure({ mode: "strict", protocol: "grpc", appPort: app.port });
    client = echoClient(`127.0.0.1:${pair.client.ports.outbound}`, { authority: "reviews:9080" });
  });

  afterAll(async () => {
    client.close();
    await pair.close();
    await app.close();
  });

  /** A raw HTTP/2 client that sends grpc-timeout but does not enforce it: only the sidecars can answer. */
  function rawCall(text: string, timeout: string) {
    const session = h2connect(`http://127.0.0.1:${pair.client.ports.outbound}`);
    const stream = session.request({
      ":method": "POST",
      ":path": "/weft.test.Echo/Unary",
      ":authority": "reviews:9080",
      "content-type": "application/grpc",
      te: "trailers",
      "grpc-timeout": timeout,
    });
    // One length-prefixed protobuf message: field 1 (text).
    const body = Buffer.from([0x0a, text.length, ...Buffer.from(text)]);
    stream.end(Buffer.concat([Buffer.from([0, 0, 0, 0, body.length]), body]));
    const response = new Promise<{ headers: Record<string, unknown>; trailersOnly: boolean; trailers: Record<string, unknown> | undefined }>((resolve) => {
      stream.once("response", (headers, flags) => {
        if (flags & constants.NGHTTP2_FLAG_END_STREAM) return resolve({ headers, trailersOnly: true, trailers: undefined });
        stream.once("trailers", (trailers) => resolve({ headers, trailersOnly: false, trailers }));
        stream.resume();
      });
    });
    return { response, close: () => session.close() };
  }

  it("enforces grpc-timeout on its clock: trailers-only DEADLINE_EXCEEDED before any answer, and the app sees the cancel", async () => {
    const before = app.cancelled;
    const calls = app.calls;
    const call = rawCall("silent", "250m");
    await expect.poll(() => app.calls).toBe(calls + 1);
    pair.clock.advance(249);
    pair.clock.advance(1);
    const { headers, trailersOnly } = await call.response;
    expect(trailersOnly).toBe(true);
    expect(headers).toMatchObject({ ":status": 200, "content-type": "application/grpc", "grpc-status": "4", "x-weft-error": "WEFT_UPSTREAM_TIMEOUT" });
    expect(String(headers["grpc-message"])).toContain("deadline exceeded");
    await expect.poll(() => app.cancelled, { timeout: 5000 }).toBe(before + 1);
    call.close();
  });

  it("enforces grpc-timeout after the response started: DEADLINE_EXCEEDED in the trailers", async () => {
    const before = app.cancelled;
    const calls = app.calls;
    const call = rawCall("hang", "1S");
    await expect.poll(() => app.calls).toBe(calls + 1);
    pair.clock.advance(1000);
    const { headers, trailersOnly, trailers } = await call.response;
    expect(trailersOnly).toBe(false);
    expect(headers).toMatchObject({ ":status": 200, "x-served-by": "reviews" });
    expect(trailers).toMatchObject({ "grpc-status": "4" });
    await expect.poll(() => app.cancelled, { timeout: 5000 }).toBe(before + 1);
    call.close();
  });

  it("answers a gRPC status, not JSON, for errors it generates: UNAVAILABLE without a healthy endpoint", async () => {
    const eds = pair.adsClient.set(TypeUrl.ClusterLoadAssignment, [assignmentWith("reviews.default", [{ port: pair.server.ports.inbound, mtls: true, health: "UNHEALTHY" }])]);
    await pair.adsClient.waitForAck(TypeUrl.ClusterLoadAssignment, eds);
    const res = await unary(client, { text: "x" });
    expect(res.err?.code).toBe(grpc.status.UNAVAILABLE);
    expect(res.err?.details).toContain('cluster "reviews.default" has no healthy endpoint');
    expect(res.trailers?.get("x-weft-error")).toEqual(["WEFT_NO_HEALTHY_ENDPOINT"]);
    const unknown = echoClient(`127.0.0.1:${pair.client.ports.outbound}`, { authority: "nowhere:1" });
    const missing = await unary(unknown, { text: "x" });
    unknown.close();
    expect(missing.err?.code).toBe(grpc.status.UNIMPLEMENTED);
    expect(missing.err?.details).toContain('no service "nowhere:1" in the mesh');
    const back = pair.adsClient.set(TypeUrl.ClusterLoadAssignment, [assignmentWith("reviews.default", [{ port: pair.server.ports.inbound, mtls: true }])]);
    await pair.adsClient.waitForAck(TypeUrl.ClusterLoadAssignment, back);
  });

  it("serves a gRPC app that uses the sidecar as its http_proxy (CONNECT, then h2c in the tunnel)", async () => {
    const proxied = echoClient("reviews:9080", { viaProxy: `http://127.0.0.1:${pair.client.ports.outbound}` });
    const ok = await unary(proxied, { text: "tunnel", count: 1 });
    proxied.close();
    expect(ok.res).toEqual({ text: "echo:tunnel", count: 1 });
    expect(pair.clientRequests.at(-1)).toMatchObject({ grpc: true, httpVersion: 2, authority: "reviews:9080" });
  });
});
