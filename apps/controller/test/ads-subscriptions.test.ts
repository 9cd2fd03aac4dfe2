// How the ADS server reads a client's subscription (state of the world): when an empty list means
// "everything", and which requests it answers while its own responses are still on the wire.
// A client of LDS or CDS takes a resource missing from a response as deleted, so answering a
// request the client has already overtaken makes it drop a cluster it still routes to.
import { afterAll, beforeAll, expect, it } from "vitest";
import { TypeUrl } from "@weft/contracts/proto";
import { adsClient, decodeAll, type AdsResponse } from "./ads-client";
import { startTestController, type TestController } from "./harness";

let t: TestController;
const closers: Array<() => void> = [];
beforeAll(async () => {
  t = await startTestController();
  const serviceId = (await t.api.services.create.mutate({ name: "reviews", protocol: "grpc", port: 50051 })).service.id;
  for (const version of ["v1", "v2"]) await t.api.versions.create.mutate({ serviceId, name: version });
  await t.controller.distributor.settled(); // every client below sees both versions from its first request
});
afterAll(async () => {
  for (const close of closers) close();
  await t?.close();
});

function client(nodeId: string) {
  const c = adsClient(t.controller.xdsAddress, nodeId, null);
  closers.push(() => c.close());
  return c;
}
const names = (r: AdsResponse) => decodeAll(r).map((x) => x.name as string).sort();

it("answers only the request that replies to its latest response, so no response drops a cluster the client still wants", async () => {
  // What a proxyless gRPC client sends when a route moves from the service to its versions: each
  // change of subscription goes out before the first response arrives, so none carries a nonce.
  const c = client("proxyless-overtaken");
  c.request(TypeUrl.Cluster, ["reviews.default"]);
  c.request(TypeUrl.Cluster, []);
  c.request(TypeUrl.Cluster, ["reviews.default|v1"]);
  c.request(TypeUrl.Cluster, ["reviews.default|v1", "reviews.default|v2"]);

  const first = await c.next();
  expect(names(first)).toEqual(["reviews.default"]);
  // Its reply to that response carries the subscription as it is now; that is what gets answered.
  c.request(TypeUrl.Cluster, ["reviews.default|v1", "reviews.default|v2"], { version: first.version_info, nonce: first.nonce });
  const second = await c.next();
  expect(names(second)).toEqual(["reviews.default|v1", "reviews.default|v2"]);

  // A request still carrying the first nonce is stale too.
  c.request(TypeUrl.Cluster, ["reviews.default|v1"], { version: first.version_info, nonce: first.nonce });
  c.request(TypeUrl.Cluster, ["reviews.default|v1", "reviews.default|v2"], { version: second.version_info, nonce: second.nonce });
  await expect(c.next(500)).rejects.toThrow(/no xDS response/);
});

it("takes an empty list as every cluster on a fresh subscription, and as none once the client has named one", async () => {
  const fresh = client("proxyless-wildcard");
  fresh.request(TypeUrl.Cluster, []);
  expect(names(await fresh.next())).toEqual(["reviews.default", "reviews.default|v1", "reviews.default|v2"]);

  const c = client("proxyless-unsubscribe");
  c.request(TypeUrl.Cluster, ["reviews.default|v1"]);
  const named = await c.next();
  expect(names(named)).toEqual(["reviews.default|v1"]);
  c.request(TypeUrl.Cluster, [], { version: named.version_info, nonce: named.nonce });
  const none = await c.next();
  expect(names(none)).toEqual([]);
  // "*" asks for every cluster again.
  c.request(TypeUrl.Cluster, ["*"], { version: none.version_info, nonce: none.nonce });
  expect(names(await c.next())).toEqual(["reviews.default", "reviews.default|v1", "reviews.default|v2"]);
});

it("answers a proxyless client that reconnects with the version it had, or with a nonce from its last stream", async () => {
  const first = client("proxyless-reconnect");
  first.request(TypeUrl.Cluster, ["reviews.default|v1"]);
  const had = await first.next();
  first.close();
  // grpc-js keeps the version but not the clusters once its last watch is gone: it must be sent them.
  const again = client("proxyless-reconnect");
  again.request(TypeUrl.Cluster, ["reviews.default|v1"], { version: had.version_info, nonce: "" });
  expect(names(await again.next())).toEqual(["reviews.default|v1"]);
  // A first request carrying a nonce of an earlier stream is not stale on this one.
  const carried = client("proxyless-carried-nonce");
  carried.request(TypeUrl.Cluster, ["reviews.default|v2"], { version: had.version_info, nonce: had.nonce });
  expect(names(await carried.next())).toEqual(["reviews.default|v2"]);
});
