import { AsyncLocalStorage, AsyncResource } from "node:async_hooks";
import { connect, createServer } from "node:http2";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { installCheapAsyncResourceBind } from "./async-resource-bind";

describe("installCheapAsyncResourceBind", () => {
  it("replaces Node 20's bind (a deprecate() accessor per call) and is idempotent", () => {
    expect(installCheapAsyncResourceBind()).toBe(true);
    expect(installCheapAsyncResourceBind()).toBe(true);
    const resource = new AsyncResource("test");
    const bound = resource.bind(() => {});
    const descriptor = Object.getOwnPropertyDescriptor(bound, "asyncResource");
    expect(descriptor?.get).toBeUndefined();
    expect(descriptor?.value).toBe(resource);
  });

  it("runs the bound function in the resource's async scope, with this, arguments and length", () => {
    installCheapAsyncResourceBind();
    const als = new AsyncLocalStorage<string>();
    const resource = als.run("where the resource was made", () => new AsyncResource("test"));
    function probe(this: unknown, a: number, b: number) {
      return { store: als.getStore(), self: this, sum: a + b };
    }
    const bound = als.run("the caller's", () => resource.bind(probe));
    const self = { name: "receiver" };
    const got = als.run("the caller's", () => bound.call(self, 2, 3));
    expect(got).toEqual({ store: "where the resource was made", self, sum: 5 });
    expect(bound.length).toBe(2);

    const withThis = (resource.bind as (fn: typeof probe, thisArg: unknown) => typeof probe)(probe, self);
    expect(withThis(1, 1)).toEqual({ store: "where the resource was made", self, sum: 2 });
    expect((AsyncResource.bind(probe, "static") as typeof probe).call(undefined, 4, 4).sum).toBe(8);
  });

  it("never warns when asyncResource is read, and refuses a non-function like Node does", () => {
    installCheapAsyncResourceBind();
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    try {
      const resource = new AsyncResource("test");
      expect((resource.bind(() => 1) as unknown as { asyncResource: AsyncResource }).asyncResource).toBe(resource);
      expect(() => resource.bind(42 as unknown as () => void)).toThrow(expect.objectContaining({ code: "ERR_INVALID_ARG_TYPE" }));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).toEqual([]);
  });

  it("node:http2 client requests (the caller it is for) still work, before and after the session connects", async () => {
    installCheapAsyncResourceBind();
    const server = createServer((req, res) => res.end(`${req.url}`));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const session = connect(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const get = (path: string) =>
      new Promise<string>((resolve, reject) => {
        const stream = session.request({ ":path": path });
        let body = "";
        stream.setEncoding("utf8").on("data", (c: string) => (body += c)).on("end", () => resolve(body)).on("error", reject);
      });
    try {
      // The first request is queued until the session connects (the bound callback runs later).
      expect(await Promise.all([get("/a"), get("/b")])).toEqual(["/a", "/b"]);
      expect(await get("/c")).toBe("/c");
    } finally {
      session.close();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
