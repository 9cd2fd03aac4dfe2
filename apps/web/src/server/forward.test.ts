import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downstreamResponseHeaders, forwardToController, upstreamRequestHeaders } from "./forward";

let upstream: Server;
let base: string;
let last: { method?: string; url?: string; headers: IncomingMessage["headers"]; body: string } | undefined;

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      last = { method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString() };
      if (req.url?.startsWith("/api/stream")) {
        // Two chunks a little apart: the forwarder must pass the first on before the second exists.
        res.writeHead(200, { "content-type": "text/event-stream" });
        res.write("data: one\n\n");
        setTimeout(() => res.end("data: two\n\n"), 150);
        return;
      }
      res.writeHead(201, [
        ["content-type", "application/json"],
        ["set-cookie", "weft_session=abc; Path=/; HttpOnly"],
        ["set-cookie", "other=1; Path=/"],
        ["connection", "keep-alive"],
        ["x-upstream", "yes"],
      ]);
      res.end(JSON.stringify({ ok: true }));
    });
  });
  await new Promise<void>((r) => upstream.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => upstream.close(() => r())));

describe("forwardToController", () => {
  it("forwards method, path, query, cookies, authorization and body; returns status, headers and every Set-Cookie", async () => {
    const res = await forwardToController(
      new Request("http://console.local/api/trpc/auth.login?batch=1", {
        method: "POST",
        headers: { cookie: "weft_session=old", authorization: "Bearer weft_x", "content-type": "application/json", connection: "keep-alive" },
        body: JSON.stringify({ 0: { username: "admin" } }),
      }),
      base,
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.getSetCookie()).toEqual(["weft_session=abc; Path=/; HttpOnly", "other=1; Path=/"]);
    expect(res.headers.get("x-upstream")).toBe("yes");
    expect(res.headers.get("connection")).toBeNull();
    expect(last).toMatchObject({ method: "POST", url: "/api/trpc/auth.login?batch=1", body: '{"0":{"username":"admin"}}' });
    expect(last!.headers).toMatchObject({ cookie: "weft_session=old", authorization: "Bearer weft_x", "x-forwarded-host": "console.local", "x-forwarded-proto": "http" });
  });

  it("streams the response instead of buffering it", async () => {
    const res = await forwardToController(new Request("http://console.local/api/stream"), base);
    const reader = res.body!.getReader();
    const started = Date.now();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("data: one\n\n");
    expect(Date.now() - started).toBeLessThan(140); // before the upstream sent the rest
    let rest = "";
    for (let r = await reader.read(); !r.done; r = await reader.read()) rest += new TextDecoder().decode(r.value);
    expect(rest).toBe("data: two\n\n");
  });

  it("answers 502 with a tRPC-shaped error naming the controller URL when it is unreachable", async () => {
    // A port that was just free: nothing listens there.
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, "127.0.0.1", r));
    const closed = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((r) => probe.close(() => r()));

    const res = await forwardToController(new Request("http://console.local/api/trpc/services.list"), closed);
    expect(res.status).toBe(502);
    const body = await res.json();
    expect(body.error.data).toMatchObject({ httpStatus: 502, weftCode: "WEFT_CONTROLLER_UNREACHABLE" });
    expect(body.error.message).toContain(closed);
    expect(body.error.message).toContain("ECONNREFUSED");
  });
});

describe("header filtering", () => {
  it("drops hop-by-hop request headers and asks for an uncompressed body", () => {
    const h = upstreamRequestHeaders(new Headers({ host: "a", "transfer-encoding": "chunked", "accept-encoding": "gzip", "x-forwarded-for": "10.0.0.1", te: "trailers" }), {
      host: "console",
      proto: "https",
      ip: "10.0.0.2",
    });
    expect(h.get("host")).toBeNull();
    expect(h.get("transfer-encoding")).toBeNull();
    expect(h.get("te")).toBeNull();
    expect(h.get("accept-encoding")).toBe("identity");
    expect(h.get("x-forwarded-for")).toBe("10.0.0.1, 10.0.0.2");
  });

  it("keeps content-length on the way back but not transfer-encoding", () => {
    const h = downstreamResponseHeaders(new Headers({ "content-length": "12", "transfer-encoding": "chunked", "keep-alive": "timeout=5" }));
    expect(h.get("content-length")).toBe("12");
    expect(h.get("transfer-encoding")).toBeNull();
    expect(h.get("keep-alive")).toBeNull();
  });
});
