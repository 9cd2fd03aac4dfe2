// The admin server survives a handler that throws: 500 with the message, and it keeps answering.
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { request } from "undici";
import type { Server } from "node:http";
import { createAdminServer } from "./admin-server";

let server: Server | undefined;

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function get(path: string): Promise<{ status: number; body: unknown }> {
  const { port } = server!.address() as AddressInfo;
  const res = await request(`http://127.0.0.1:${port}${path}`);
  return { status: res.statusCode, body: await res.body.json() };
}

describe("admin server", () => {
  it("turns a handler's exception into a 500 naming the endpoint, and goes on serving", async () => {
    server = createAdminServer({
      ready: () => {
        throw new Error("readiness exploded");
      },
      configDump: () => ({ ok: true }),
      metrics: () => Promise.resolve(""),
      metricsContentType: "text/plain",
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    expect(await get("/ready")).toEqual({ status: 500, body: { error: "/ready: readiness exploded" } });
    expect(await get("/live")).toEqual({ status: 200, body: { live: true } });
    expect(await get("/config_dump")).toEqual({ status: 200, body: { ok: true } });
  });
});
