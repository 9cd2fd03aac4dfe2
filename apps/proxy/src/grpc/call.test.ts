import "reflect-metadata";
import { webcrypto } from "node:crypto";
import { createSecureServer, createServer as createH2Server, sensitiveHeaders, type Http2Server, type IncomingHttpHeaders, type ServerHttp2Stream } from "node:http2";
import { createServer as createNetServer, type AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { createServer as createTlsServer } from "node:tls";
import * as x509 from "@peculiar/x509";
import protobuf from "protobufjs";
import { createFakeClock } from "@weft/test-kit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startGrpcEcho, type GrpcEcho, type Msg } from "../../test/support/grpc-echo";
import { decodeGrpcMessage, GrpcStatus } from "../core/grpc";
import { startCall, unaryCall, GrpcCallError, type CallStatus, type GrpcMethod } from "./call";
import { GrpcChannel } from "./channel";
import { frameMessage, MessageReader } from "./message-framing";

const MsgType = protobuf.loadSync(fileURLToPath(new URL("../../test/support/echo.proto", import.meta.url))).lookupType("weft.test.Msg");
const echo = (name: string): GrpcMethod<Partial<Msg>, Msg> => ({
  path: `/weft.test.Echo/${name}`,
  serialize: (m) => MsgType.encode(MsgType.fromObject(m)).finish(),
  deserialize: (b) => MsgType.toObject(MsgType.decode(b), { defaults: true }) as Msg,
});

let server: GrpcEcho | undefined;
let h2: Http2Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  await new Promise<void>((resolve) => (h2 ? h2.close(() => resolve()) : resolve()));
  h2 = undefined;
});

function collect(address: string, method: GrpcMethod<Partial<Msg>, Msg>, options = {}) {
  const messages: Msg[] = [];
  let headers = 0;
  let statuses = 0;
  let resolveStatus!: (s: CallStatus) => void;
  const status = new Promise<CallStatus>((r) => (resolveStatus = r));
  const onStatus = (s: CallStatus) => {
    statuses++;
    resolveStatus(s);
  };
  const call = startCall(address, method, { onHeaders: () => headers++, onMessage: (m) => messages.push(m), onStatus }, options);
  return {
    call,
    messages,
    status,
    headers: () => headers,
    get statuses() {
      return statuses;
    },
  };
}

describe("gRPC calls to a grpc-js server", () => {
  it("streams messages both ways and ends with the server's OK", async () => {
    server = await startGrpcEcho();
    const c = collect(`127.0.0.1:${server.port}`, echo("Bidi"));
    c.call.write({ text: "a", count: 1 });
    c.call.write({ text: "b".repeat(100_000), count: 2 }); // spans several DATA frames
    c.call.end();
    expect((await c.status).code).toBe(GrpcStatus.OK);
    await new Promise((r) => setImmediate(r));
    expect(c.statuses).toBe(1);
    expect(c.headers()).toBe(1);
    expect(c.messages.map((m) => [m.text.slice(0, 4), m.text.length, m.count])).toEqual([["re:a", 4, 1], ["re:b", 100_003, 2]]);
  });

  it("receives a server stream and a unary answer", async () => {
    server = await startGrpcEcho();
    const address = `127.0.0.1:${server.port}`;
    const c = collect(address, echo("ServerStream"));
    c.call.write({ text: "x", count: 3 });
    c.call.end();
    expect((await c.status).code).toBe(GrpcStatus.OK);
    expect(c.messages.map((m) => m.text)).toEqual(["x#0", "x#1", "x#2"]);
    expect(await unaryCall(address, echo("Unary"), { text: "hi", count: 7 })).toEqual({ text: "echo:hi", count: 7 });
  });

  it("rejects a unary call with the server's status and message", async () => {
    server = await startGrpcEcho();
    const err = await unaryCall(`127.0.0.1:${server.port}`, echo("Unary"), { text: "fail" }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GrpcCallError);
    expect(err).toMatchObject({ code: 5, details: "no such book", message: "NOT_FOUND: no such book" });
  });

  it("ends a call at its deadline (injected clock) and the server sees it cancelled", async () => {
    server = await startGrpcEcho();
    const clock = createFakeClock();
    const c = collect(`127.0.0.1:${server.port}`, echo("Bidi"), { clock, timeoutMs: 5_000 });
    c.call.write({ text: "hello" });
    await vi.waitFor(() => expect(c.messages.length).toBe(1));
    clock.advance(5_000);
    expect(await c.status).toEqual({ code: GrpcStatus.DEADLINE_EXCEEDED, details: "no answer within the 5000 ms deadline" });
    await vi.waitFor(() => expect(server!.cancelled).toBe(1));
  });

  it("cancel() ends the call CANCELLED and the server sees it", async () => {
    server = await startGrpcEcho();
    const c = collect(`127.0.0.1:${server.port}`, echo("Bidi"));
    c.call.write({ text: "hello" });
    await vi.waitFor(() => expect(c.messages.length).toBe(1));
    c.call.cancel();
    expect((await c.status).code).toBe(GrpcStatus.CANCELLED);
    await vi.waitFor(() => expect(server!.cancelled).toBe(1));
    c.call.write({ text: "after" }); // ignored, no throw
  });

  it("is UNAVAILABLE, naming the address, when nothing listens there", async () => {
    const closed = createNetServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const c = collect(`127.0.0.1:${port}`, echo("Bidi"));
    const status = await c.status;
    expect(status.code).toBe(GrpcStatus.UNAVAILABLE);
    expect(status.details).toContain(`127.0.0.1:${port}`);
    expect(status.details).toContain("ECONNREFUSED");
  });

  it("is UNAVAILABLE when the server goes away in the middle of a stream", async () => {
    const sockets = new Set<import("node:net").Socket>();
    h2 = createH2Server();
    h2.on("connection", (s: import("node:net").Socket) => sockets.add(s));
    h2.on("stream", (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      stream.write(frameMessage(MsgType.encode({ text: "one" }).finish()));
      setImmediate(() => sockets.forEach((s) => s.destroy()));
    });
    await new Promise<void>((r) => h2!.listen(0, "127.0.0.1", r));
    const c = collect(`127.0.0.1:${(h2.address() as AddressInfo).port}`, echo("Bidi"));
    const status = await c.status;
    expect(c.messages.map((m) => m.text)).toEqual(["one"]);
    expect(status.code).toBe(GrpcStatus.UNAVAILABLE);
  });

  it("maps an answer that is not gRPC by its HTTP status, and decodes grpc-message", async () => {
    h2 = createH2Server();
    h2.on("stream", (stream, headers) => {
      if (headers[":path"] === "/weft.test.Echo/Unary") {
        stream.respond({ ":status": 404, "content-type": "text/plain" });
        stream.end("no route");
      } else {
        // Trailers-only, with a percent-encoded message.
        stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "3", "grpc-message": "bad%20field%20%C3%A9" }, { endStream: true });
      }
    });
    await new Promise<void>((r) => h2!.listen(0, "127.0.0.1", r));
    const address = `127.0.0.1:${(h2.address() as AddressInfo).port}`;
    const notGrpc = await unaryCall(address, echo("Unary"), {}).catch((e: GrpcCallError) => e);
    expect(notGrpc).toMatchObject({ code: GrpcStatus.UNIMPLEMENTED, details: "the server answered HTTP 404 (text/plain), not gRPC" });
    const trailersOnly = await unaryCall(address, echo("Bidi"), {}).catch((e: GrpcCallError) => e);
    expect(trailersOnly).toMatchObject({ code: 3, details: "bad field é" });
  });
});

/** A node:http2 server answering every stream with `answer`; counts the connections that have closed. */
async function h2Server(answer: (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => void) {
  let closed = 0;
  h2 = createH2Server();
  h2.on("session", (session) => session.on("close", () => closed++));
  h2.on("stream", answer);
  await new Promise<void>((r) => h2!.listen(0, "127.0.0.1", r));
  return { address: `127.0.0.1:${(h2.address() as AddressInfo).port}`, closed: () => closed };
}

describe("gRPC calls, the wire and the edge cases", () => {
  it("sends gRPC's request fields, grpc-timeout from the deadline, metadata, and secrets never indexed", async () => {
    let seen: IncomingHttpHeaders | undefined;
    const server = await h2Server((stream, headers) => {
      seen = headers;
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(frameMessage(MsgType.encode({ text: "ok" }).finish()));
    });
    const res = await unaryCall(server.address, echo("Unary"), { text: "q" }, { timeoutMs: 2_500, metadata: { authorization: "Bearer weft_jt_secret" }, sensitive: ["authorization"] });
    expect(res.text).toBe("ok");
    expect(seen).toMatchObject({ ":method": "POST", ":path": "/weft.test.Echo/Unary", "content-type": "application/grpc", te: "trailers", "grpc-timeout": "2500m", authorization: "Bearer weft_jt_secret" });
    expect(seen![sensitiveHeaders as unknown as string]).toContain("authorization");
    await vi.waitFor(() => expect(server.closed()).toBe(1)); // the call's connection is closed with it
  });

  it("ends OK when the server finishes a bidi call while this side still sends, and closes the connection", async () => {
    const server = await h2Server((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc", "grpc-status": "0" }, { endStream: true });
    });
    const c = collect(server.address, echo("Bidi"));
    c.call.write({ text: "a" });
    expect((await c.status).code).toBe(GrpcStatus.OK);
    c.call.write({ text: "b" });
    await vi.waitFor(() => expect(server.closed()).toBe(1));
  });

  it("ignores write() after end() while the call is still open", async () => {
    server = await startGrpcEcho();
    const c = collect(`127.0.0.1:${server.port}`, echo("Bidi"));
    c.call.write({ text: "a" });
    c.call.end();
    c.call.write({ text: "late" }); // must not push after the body's end (an unhandled stream error)
    c.call.end();
    expect((await c.status).code).toBe(GrpcStatus.OK);
    expect(c.messages.map((m) => m.text)).toEqual(["re:a"]);
  });

  it("is INTERNAL when the server ends without a grpc-status or in the middle of a message", async () => {
    const server = await h2Server((stream, headers) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" });
      const one = frameMessage(MsgType.encode({ text: "one" }).finish());
      stream.end(headers[":path"] === "/weft.test.Echo/Unary" ? one : one.subarray(0, 4));
    });
    const noStatus = collect(server.address, echo("Unary"));
    expect(await noStatus.status).toEqual({ code: GrpcStatus.INTERNAL, details: "the server ended the call without a grpc-status" });
    expect(noStatus.messages.map((m) => m.text)).toEqual(["one"]);
    const cut = collect(server.address, echo("Bidi"));
    expect(await cut.status).toMatchObject({ code: GrpcStatus.INTERNAL });
  });

  it("ends the call, instead of throwing, when a request cannot be encoded; RESOURCE_EXHAUSTED for a message over the limit", async () => {
    server = await startGrpcEcho();
    const address = `127.0.0.1:${server.port}`;
    const broken: GrpcMethod<Partial<Msg>, Msg> = { ...echo("Bidi"), serialize: () => { throw new Error("count: integer expected"); } };
    const c = collect(address, broken);
    expect(() => c.call.write({ text: "x" })).not.toThrow();
    expect(await c.status).toEqual({ code: GrpcStatus.INTERNAL, details: "a request message cannot be encoded: count: integer expected" });
    const big = collect(address, echo("Bidi"), { maxMessageBytes: 8 });
    big.call.write({ text: "more than eight bytes" });
    expect(await big.status).toMatchObject({ code: GrpcStatus.RESOURCE_EXHAUSTED });
  });
});

/** A self-signed certificate for 127.0.0.1 (its own trust anchor). */
async function selfSigned(): Promise<{ key: string; cert: string }> {
  const alg = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
  const keys = (await webcrypto.subtle.generateKey(alg, true, ["sign", "verify"])) as webcrypto.CryptoKeyPair;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: "01",
    name: "CN=collector",
    notBefore: new Date(Date.now() - 60_000),
    notAfter: new Date(Date.now() + 3_600_000),
    keys,
    signingAlgorithm: alg,
    extensions: [new x509.SubjectAlternativeNameExtension([{ type: "ip", value: "127.0.0.1" }])],
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey("pkcs8", keys.privateKey));
  return { key: `-----BEGIN PRIVATE KEY-----\n${der.toString("base64")}\n-----END PRIVATE KEY-----\n`, cert: cert.toString("pem") };
}

describe("gRPC over TLS", () => {
  it("verifies the server and negotiates HTTP/2 by ALPN", async () => {
    const { key, cert } = await selfSigned();
    const secure = createSecureServer({ key, cert });
    secure.on("stream", (stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(frameMessage(MsgType.encode({ text: "over tls" }).finish()));
    });
    const http1Only = createTlsServer({ key, cert }, (socket) => socket.end()); // TLS without ALPN (an HTTP/1.1 server)
    await Promise.all([secure, http1Only].map((srv) => new Promise<void>((r) => srv.listen(0, "127.0.0.1", r))));
    try {
      const address = `127.0.0.1:${(secure.address() as AddressInfo).port}`;
      expect(await unaryCall(address, echo("Unary"), {}, { tls: { ca: cert } })).toMatchObject({ text: "over tls" });
      // Not trusted: the system's roots do not include it.
      const untrusted = await unaryCall(address, echo("Unary"), {}, { tls: {} }).catch((e: GrpcCallError) => e);
      expect(untrusted).toMatchObject({ code: GrpcStatus.UNAVAILABLE, details: expect.stringContaining("self-signed certificate") });
      const h1 = `127.0.0.1:${(http1Only.address() as AddressInfo).port}`;
      const noH2 = await unaryCall(h1, echo("Unary"), {}, { tls: { ca: cert } }).catch((e: GrpcCallError) => e);
      expect(noH2).toMatchObject({ code: GrpcStatus.UNAVAILABLE, details: `${h1} did not negotiate HTTP/2 over TLS (ALPN h2)` });
    } finally {
      await Promise.all([secure, http1Only].map((srv) => new Promise<void>((r) => srv.close(() => r()))));
    }
  });
});

describe("a shared channel", () => {
  it("carries successive calls on one connection and opens another once it has closed", async () => {
    let connections = 0;
    const server = await h2Server((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => stream.sendTrailers({ "grpc-status": "0" }));
      stream.end(frameMessage(MsgType.encode({ text: "ok" }).finish()));
    });
    h2!.on("session", () => connections++);
    const channel = new GrpcChannel(server.address);
    for (let i = 0; i < 3; i++) await unaryCall(channel, echo("Unary"), {});
    expect(connections).toBe(1);
    channel.close();
    await vi.waitFor(() => expect(server.closed()).toBe(1));
    await unaryCall(channel, echo("Unary"), {});
    expect(connections).toBe(2);
    channel.close();
  });

  it("opens a new connection after the server closed the last one", async () => {
    let connections = 0;
    const server = await h2Server((stream) => {
      stream.respond({ ":status": 200, "content-type": "application/grpc" }, { waitForTrailers: true });
      stream.on("wantTrailers", () => {
        stream.sendTrailers({ "grpc-status": "0" });
        stream.session?.close(); // GOAWAY once this call is done
      });
      stream.end(frameMessage(MsgType.encode({ text: "ok" }).finish()));
    });
    h2!.on("session", () => connections++);
    const channel = new GrpcChannel(server.address);
    await unaryCall(channel, echo("Unary"), {});
    await vi.waitFor(() => expect(server.closed()).toBe(1));
    expect(await unaryCall(channel, echo("Unary"), {})).toMatchObject({ text: "ok" });
    expect(connections).toBe(2);
    channel.close();
  });
});

describe("message framing", () => {
  it("reassembles messages split across chunks and several in one chunk", () => {
    const wire = Buffer.concat([frameMessage(Buffer.from("first")), frameMessage(Buffer.alloc(0)), frameMessage(Buffer.from("third one"))]);
    for (const size of [1, 2, 3, 5, 7, wire.length]) {
      const reader = new MessageReader(1024);
      const out: string[] = [];
      for (let i = 0; i < wire.length; i += size) out.push(...reader.push(wire.subarray(i, i + size)).map((b) => b.toString()));
      expect(out).toEqual(["first", "", "third one"]);
      expect(reader.pending).toBe(0);
    }
  });

  it("refuses compressed messages and messages over the limit", () => {
    const compressed = frameMessage(Buffer.from("x"));
    compressed[0] = 1;
    expect(() => new MessageReader(1024).push(compressed)).toThrow("the message is compressed, and this client asked for no compression");
    expect(() => new MessageReader(4).push(frameMessage(Buffer.from("12345")))).toThrow("a message of 5 bytes is over the 4-byte limit");
  });

  it("decodes grpc-message, leaving a malformed escape as it came", () => {
    expect(decodeGrpcMessage("a%25b")).toBe("a%b");
    expect(decodeGrpcMessage("50%")).toBe("50%");
    expect(decodeGrpcMessage(undefined)).toBe("");
  });
});
