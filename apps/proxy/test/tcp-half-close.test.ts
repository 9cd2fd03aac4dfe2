// Opaque TCP edges through the sidecars: an app that half-closes first (it sends a banner and FIN,
// and still reads) keeps receiving what the client sends afterwards; an app that resets the
// connection mid-stream is seen by the client as a reset, never as a clean end of stream.
import { afterEach, describe, expect, it } from "vitest";
import { connect, createServer, type Server, type Socket } from "node:net";
import { startMeshPair, type MeshPair } from "./support/mesh-pair";
import { closedPort } from "./support/upstreams";

let pair: MeshPair | undefined;
let app: Server | undefined;
const appSockets = new Set<Socket>();

afterEach(async () => {
  await pair?.close();
  for (const s of appSockets) s.destroy();
  await new Promise<void>((r) => (app ? app.close(() => r()) : r()));
  pair = undefined;
  app = undefined;
});

async function meshTo(onConn: (s: Socket) => void, direct: boolean): Promise<number> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    appSockets.add(s);
    s.on("close", () => appSockets.delete(s));
    s.on("error", () => undefined);
    onConn(s);
  });
  app = server;
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const appPort = (server.address() as { port: number }).port;
  pair = await startMeshPair({ appPort });
  const port = await closedPort();
  await pair.configure({ mode: "strict", protocol: "tcp", appPort, servicePort: port, direct });
  return port;
}

for (const direct of [true, false]) {
  describe(`TCP half-close, ${direct ? "one sidecar" : "two sidecars (mTLS)"}`, () => {
    it("an app that ends its side first still receives what the client sends after", async () => {
      const received: Buffer[] = [];
      let appEnded!: () => void;
      const appSawEnd = new Promise<void>((r) => (appEnded = r));
      const port = await meshTo((s) => {
        s.end("banner"); // done writing, still reading
        s.on("data", (d: Buffer) => received.push(d));
        s.on("end", () => appEnded());
      }, direct);
      const c = connect({ port, host: "127.0.0.1", allowHalfOpen: true });
      const errors: Error[] = [];
      c.on("error", (e) => errors.push(e));
      let banner = "";
      c.on("data", (d: Buffer) => (banner += d.toString()));
      await new Promise<void>((r) => c.once("end", () => r()));
      expect(banner).toBe("banner");
      for (let i = 0; i < 5; i++) c.write(`part${i};`);
      c.end();
      await appSawEnd;
      expect(Buffer.concat(received).toString()).toBe("part0;part1;part2;part3;part4;");
      expect(errors).toEqual([]);
      c.destroy();
    });
  });
}

describe("TCP reset, one sidecar", () => {
  it("an app that resets mid-stream: the client sees the reset, not a clean end", async () => {
    const port = await meshTo((s) => {
      s.write("partial");
      s.once("data", () => s.resetAndDestroy()); // the client has the first part
    }, true);
    const c = connect({ port, host: "127.0.0.1" });
    let err: NodeJS.ErrnoException | undefined;
    let cleanEnd = false;
    c.on("error", (e) => (err = e));
    c.on("end", () => (cleanEnd = true));
    c.once("data", () => c.write("go"));
    await new Promise<void>((r) => c.on("close", () => r()));
    expect({ cleanEnd, code: err?.code }).toEqual({ cleanEnd: false, code: "ECONNRESET" });
  });
});
