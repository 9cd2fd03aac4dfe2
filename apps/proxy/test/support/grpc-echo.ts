// A real gRPC app (@grpc/grpc-js, h2c on 127.0.0.1:0) implementing test/support/echo.proto, and a
// client factory, for gRPC through the sidecars. Behaviours are driven by the request:
//   text "fail"      -> NOT_FOUND "no such book", with trailing metadata
//   text "hang"      -> sends its initial metadata, then never answers (deadline tests)
//   text "silent"    -> never answers, not even metadata; `cancelled` records the server saw the cancel
// Every answer carries initial metadata `x-served-by: reviews` and trailing `x-trailer: done`.
import { fileURLToPath } from "node:url";
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

export interface Msg {
  text: string;
  count: number;
}

export interface EchoClient extends grpc.Client {
  Unary(msg: Partial<Msg>, md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Msg) => void): grpc.ClientUnaryCall;
  ServerStream(msg: Partial<Msg>, md?: grpc.Metadata, opts?: grpc.CallOptions): grpc.ClientReadableStream<Msg>;
  ClientStream(md: grpc.Metadata, opts: grpc.CallOptions, cb: (err: grpc.ServiceError | null, res?: Msg) => void): grpc.ClientWritableStream<Partial<Msg>>;
  Bidi(md?: grpc.Metadata, opts?: grpc.CallOptions): grpc.ClientDuplexStream<Partial<Msg>, Msg>;
}

const definition = protoLoader.loadSync(fileURLToPath(new URL("./echo.proto", import.meta.url)), { keepCase: true, defaults: true });
const Echo = (grpc.loadPackageDefinition(definition) as any).weft.test.Echo as grpc.ServiceClientConstructor;

function trailer(): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("x-trailer", "done");
  return md;
}

function served(): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("x-served-by", "reviews");
  return md;
}

export interface GrpcEcho {
  port: number;
  /** Calls whose cancellation the server observed (client gone, deadline, sidecar reset). */
  readonly cancelled: number;
  /** Calls the server received. */
  readonly calls: number;
  close(): Promise<void>;
}

export async function startGrpcEcho(): Promise<GrpcEcho> {
  const server = new grpc.Server();
  let cancelled = 0;
  let calls = 0;
  const onCancel = (call: { on(e: "cancelled", f: () => void): void }) => call.on("cancelled", () => cancelled++);
  server.addService(Echo.service, {
    Unary(call: grpc.ServerUnaryCall<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) {
      calls++;
      onCancel(call);
      if (call.request.text === "silent") return;
      call.sendMetadata(served());
      if (call.request.text === "hang") return;
      if (call.request.text === "fail") return cb({ code: grpc.status.NOT_FOUND, details: "no such book", metadata: trailer() } as grpc.ServiceError);
      cb(null, { text: `echo:${call.request.text}`, count: call.request.count }, trailer());
    },
    ServerStream(call: grpc.ServerWritableStream<Msg, Msg>) {
      calls++;
      onCancel(call);
      call.sendMetadata(served());
      if (call.request.text === "hang") return;
      for (let i = 0; i < call.request.count; i++) call.write({ text: `${call.request.text}#${i}`, count: i });
      call.end(trailer());
    },
    ClientStream(call: grpc.ServerReadableStream<Msg, Msg>, cb: grpc.sendUnaryData<Msg>) {
      calls++;
      onCancel(call);
      const texts: string[] = [];
      call.on("data", (m: Msg) => texts.push(m.text));
      call.on("end", () => cb(null, { text: texts.join(","), count: texts.length }, trailer()));
    },
    Bidi(call: grpc.ServerDuplexStream<Msg, Msg>) {
      calls++;
      onCancel(call);
      call.sendMetadata(served());
      call.on("data", (m: Msg) => call.write({ text: `re:${m.text}`, count: m.count }));
      call.on("end", () => call.end(trailer()));
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) => (err ? reject(err) : resolve(p))),
  );
  return {
    port,
    get cancelled() {
      return cancelled;
    },
    get calls() {
      return calls;
    },
    close: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}

/** A client of `target` (host:port). `authority` sets `:authority` (h2c prior knowledge to the sidecar); `viaProxy` uses grpc-js's http_proxy CONNECT support. */
export function echoClient(target: string, opts: { authority?: string; viaProxy?: string } = {}): EchoClient {
  const options: grpc.ChannelOptions = { "grpc.use_local_subchannel_pool": 1, ...(opts.authority ? { "grpc.default_authority": opts.authority } : {}) };
  if (opts.viaProxy === undefined) return new Echo(target, grpc.credentials.createInsecure(), options) as unknown as EchoClient;
  // grpc-js reads the proxy from the environment when the channel is created.
  const saved = process.env.grpc_proxy;
  process.env.grpc_proxy = opts.viaProxy;
  try {
    return new Echo(target, grpc.credentials.createInsecure(), options) as unknown as EchoClient;
  } finally {
    if (saved === undefined) delete process.env.grpc_proxy;
    else process.env.grpc_proxy = saved;
  }
}

export function unary(client: EchoClient, msg: Partial<Msg>, opts: grpc.CallOptions = {}): Promise<{ res?: Msg; err?: grpc.ServiceError; headers?: grpc.Metadata; trailers?: grpc.Metadata }> {
  return new Promise((resolve) => {
    let headers: grpc.Metadata | undefined;
    let trailers: grpc.Metadata | undefined;
    let result: { res?: Msg; err?: grpc.ServiceError } | undefined;
    const call = client.Unary(msg, new grpc.Metadata(), opts, (err, res) => {
      result = err ? { err } : { res: res! };
    });
    call.on("metadata", (md: grpc.Metadata) => (headers = md));
    call.on("status", (s: grpc.StatusObject) => {
      trailers = s.metadata;
      // The callback runs before 'status'.
      resolve({ ...result, ...(headers ? { headers } : {}), trailers });
    });
  });
}

export { grpc };
