// Bodies stream through the sidecar both ways without buffering, and an upstream that dies
// mid-response makes the sidecar cut the downstream connection (recorded as WEFT_UPSTREAM_RESET).
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { request } from "undici";
import { startAdsTestServer, startEchoServer, type AdsTestServer, type EchoServer } from "@weft/test-kit";
import type { RequestRecord } from "../src/core/events";
import { startTestSidecar, waitForMesh, type TestSidecar } from "./support/harness";
import { setMesh } from "./support/xds-fixtures";
import { deferred, startServer, type TestServer } from "./support/upstreams";

let ads: AdsTestServer;
let app: EchoServer;
let upstream: TestServer | undefined;
let sidecar: TestSidecar;

beforeEach(async () => {
  ads = await startAdsTestServer();
  app = await startEchoServer({ service: "productpage" });
  sidecar = await startTestSidecar({ controller: ads.address, appPort: app.port });
});

afterEach(async () => {
  await sidecar.close();
  await Promise.all([ads.close(), app.close(), upstream?.close()]);
  upstream = undefined;
});

async function route(to: TestServer) {
  await waitForMesh(
    ads,
    setMesh(ads, {
      sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: app.port },
      services: [{ name: "files", versions: { v1: [{ port: to.port }] } }],
    }),
  );
}

const CHUNK = Buffer.alloc(256 * 1024, 97); // 256 KiB

describe("streaming", () => {
  it("relays the first bytes of a response before the upstream has finished it", async () => {
    const firstSeenByClient = deferred();
    upstream = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" });
      res.write(CHUNK);
      // The rest only once the client proved it already received the beginning.
      void firstSeenByClient.promise.then(() => {
        res.write(CHUNK);
        res.end(Buffer.from("END"));
      });
    });
    await route(upstream);
    const res = await request(`${sidecar.outboundUrl}/big`, { headers: { host: "files" } });
    expect(res.statusCode).toBe(200);
    let received = 0;
    let sawFirstBeforeEnd = false;
    for await (const chunk of res.body) {
      received += (chunk as Buffer).length;
      if (received >= CHUNK.length && !sawFirstBeforeEnd) {
        sawFirstBeforeEnd = true;
        firstSeenByClient.resolve();
      }
    }
    expect(sawFirstBeforeEnd).toBe(true);
    expect(received).toBe(2 * CHUNK.length + 3);
  });

  it("streams a request body to the upstream while the client is still sending", async () => {
    const upstreamGotFirst = deferred();
    upstream = await startServer((req, res) => {
      let bytes = 0;
      req.on("data", (c: Buffer) => {
        bytes += c.length;
        if (bytes >= CHUNK.length) upstreamGotFirst.resolve();
      });
      req.on("end", () => res.end(JSON.stringify({ bytes })));
    });
    await route(upstream);
    const body = new PassThrough();
    const pending = request(`${sidecar.outboundUrl}/upload`, { method: "POST", headers: { host: "files" }, body });
    body.write(CHUNK);
    await upstreamGotFirst.promise; // would hang (and time out) if the sidecar buffered the body
    body.end(CHUNK);
    const res = await pending;
    expect(res.statusCode).toBe(200);
    expect(await res.body.json()).toEqual({ bytes: 2 * CHUNK.length });
  });

  it("cuts the downstream connection when the upstream resets mid-response", async () => {
    upstream = await startServer((req, res) => {
      res.writeHead(200, { "content-type": "text/plain", "content-length": "1000" });
      res.write("partial");
      setImmediate(() => req.socket.destroy());
    });
    await route(upstream);
    const records: RequestRecord[] = [];
    const unsubscribe = sidecar.events.on("request", (r) => records.push(r));
    const done = deferred();
    sidecar.events.on("request", () => done.resolve());
    const res = await request(`${sidecar.outboundUrl}/`, { headers: { host: "files" } });
    expect(res.statusCode).toBe(200);
    await expect(res.body.text()).rejects.toThrow();
    await done.promise;
    unsubscribe();
    expect(records[0]).toMatchObject({ status: 200, errorCode: "WEFT_UPSTREAM_RESET", responseBytes: 7 });
  });
});
