// Loopback sockets for the HTTP/1.1 codec's tests (http1-server.test.ts, h1-pool.test.ts): servers
// on port 0 and everything a test opens, closed after each test; a body read to its end.
import type { Server } from "node:net";
import type { Readable } from "node:stream";
import { afterEach } from "vitest";

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Runs `fn` after the current test. */
export function afterTest(fn: () => void): void {
  cleanups.push(fn);
}

/** Listens on 127.0.0.1:0 until the test ends; the port. */
export async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  afterTest(() => server.close());
  return (server.address() as { port: number }).port;
}

export async function readAll(body: Readable): Promise<string> {
  let text = "";
  for await (const chunk of body) text += (chunk as Buffer).toString();
  return text;
}
