// Plaintext upstream connections read into one buffer shared by every connection
// (upstream/connect.ts, node:net `onread`): whatever the HTTP/1.1 pool keeps of a read past the read
// itself — body bytes buffered for a reader that has not read them yet, a small answer handed over
// whole — must not be a view of that buffer, or the next read on any connection overwrites it. Real
// loopback sockets, a raw TCP upstream.
import { createServer, type Server, type Socket } from "node:net";
import type { Readable } from "node:stream";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createH1Pool } from "../src/upstream/h1-pool";
import { kSharedReads, openUpstreamSocket, type UpstreamSocket } from "../src/upstream/connect";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

async function upstream(): Promise<{ port: number; nextRequest: () => Promise<Socket> }> {
  const waiting: ((s: Socket) => void)[] = [];
  const server: Server = createServer((socket) => {
    cleanups.push(() => socket.destroy());
    // One request head per write from the pool: each read is the next request.
    socket.on("data", () => waiting.shift()?.(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  cleanups.push(() => server.close());
  return { port: (server.address() as { port: number }).port, nextRequest: () => new Promise((resolve) => waiting.push(resolve)) };
}

function poolTo(port: number) {
  const sockets: UpstreamSocket[] = [];
  const pool = createH1Pool(
    {
      connect: (onRead) => {
        const endpoint = { address: "127.0.0.1", port, weight: 1, health: "healthy" as const, key: `127.0.0.1:${port}` };
        const socket = openUpstreamSocket({ endpoint, tls: undefined, material: undefined, alpn: [], connectTimeoutMs: 5_000, onRead });
        sockets.push(socket);
        return socket;
      },
      authority: `127.0.0.1:${port}`,
      keepAliveTimeoutMs: 4_000,
      headersTimeoutMs: 0,
    },
    () => 0,
  );
  cleanups.push(() => pool.destroy());
  return { pool, sockets };
}

async function readAll(body: Readable): Promise<string> {
  let text = "";
  for await (const chunk of body) text += (chunk as Buffer).toString("latin1");
  return text;
}

describe("HTTP/1.1 upstream pool on the shared read buffer", () => {
  it("keeps body bytes a reader has not read yet intact while later reads arrive", async () => {
    const { port, nextRequest } = await upstream();
    const { pool, sockets } = poolTo(port);
    const responding = pool.request({ method: "GET", path: "/", headers: { host: "svc" }, body: null });
    const server = await nextRequest();
    // First read: the head and the first half of the body, which the pool buffers for the reader.
    server.write(`HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3e8\r\n${"a".repeat(1000)}\r\n`);
    const response = await responding;
    expect(sockets[0]![kSharedReads]).toBe(true);
    const body = response.body as Readable;
    // Second read, into the same buffer, while the first half is still unread.
    let trailers: unknown;
    body.once("trailers", (t) => (trailers = t));
    server.write(`3e8\r\n${"b".repeat(1000)}\r\n0\r\nx-done: 1\r\n\r\n`);
    await vi.waitFor(() => expect(body.readableLength).toBe(2000));
    expect(await readAll(body)).toBe("a".repeat(1000) + "b".repeat(1000));
    expect(trailers).toEqual({ "x-done": "1" });
  });

  it("hands over a small answer read in one piece as its own buffer, unaffected by the next response", async () => {
    const { port, nextRequest } = await upstream();
    const { pool } = poolTo(port);
    const ask = () => pool.request({ method: "GET", path: "/", headers: { host: "svc" }, body: null });
    const r1 = ask();
    (await nextRequest()).write("HTTP/1.1 200 OK\r\ncontent-length: 12\r\n\r\nfirst answer");
    const first = (await r1).body as Buffer;
    // The same keep-alive connection: the next answer is read into the same buffer.
    const r2 = ask();
    (await nextRequest()).write("HTTP/1.1 200 OK\r\ncontent-length: 13\r\n\r\nsecond answer");
    expect(((await r2).body as Buffer).toString()).toBe("second answer");
    expect(first.toString()).toBe("first answer");
  });
});
