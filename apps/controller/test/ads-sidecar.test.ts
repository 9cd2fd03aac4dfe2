// The ADS server as a Weft sidecar sees it, driven by a raw xDS client: resource shapes per
// docs/xds.md, sidecar self-registration, ACK/NACK bookkeeping, pushes on change, skipping
// unchanged types on reconnect, and endpoints going unhealthy when the sidecar leaves.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TypeUrl } from "@weft/contracts/proto";
import { adsClient, decodeAll, SIDECAR_META as META } from "./ads-client";
import { createTestDatabase } from "@weft/test-kit";
import { startTestController, waitFor, type TestController } from "./harness";

let t: TestController;
let reviewsId: string;
beforeAll(async () => {
  t = await startTestController();
  reviewsId = (await t.api.services.create.mutate({ name: "reviews", port: 9080 })).service.id;
  await t.api.versions.create.mutate({ serviceId: reviewsId, name: "v1" });
  await t.api.endpoints.create.mutate({ serviceId: reviewsId, version: "v1", address: "127.0.0.1", port: 31100 });
});
afterAll(async () => {
  await t?.close();
});

describe("a sidecar on the ADS stream", () => {
  it("registers its instance, gets its listeners, routes, clusters and endpoints, and is tracked until it leaves", async () => {
    const c = adsClient(t.controller.xdsAddress, "reviews-v2-a", META);
    c.request(TypeUrl.Cluster);
    const cds = await c.next();
    const clusters = decodeAll(cds);
    expect(clusters.map((x) => x.name).sort()).toEqual(["reviews.default", "reviews.default|v1", "weft.inbound|local"]);
    expect(clusters.find((x) => x.name === "weft.inbound|local")).toMatchObject({
      type: "STATIC",
      load_assignment: { endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 31000 } } } }] }] },
    });
    c.request(TypeUrl.Cluster, [], { version: cds.version_info, nonce: cds.nonce });

    // The sidecar's registration creates version v2 with its endpoint: a CDS push follows.
    const cds2 = await c.next();
    expect(decodeAll(cds2).map((x) => x.name)).toContain("reviews.default|v2");
    c.request(TypeUrl.Cluster, [], { version: cds2.version_info, nonce: cds2.nonce });
    const service = await t.api.services.byId.query({ id: reviewsId });
    expect(service.versions.find((v) => v.name === "v2")!.labels).toEqual({ version: "v2", track: "canary" });
    expect(service.endpoints.find((e) => e.version === "v2")).toMatchObject({ address: "127.0.0.1", port: 31002, health: "healthy", source: "sidecar", proxyId: "reviews-v2-a" });

    c.request(TypeUrl.ClusterLoadAssignment, ["reviews.default|v2", "reviews.default"]);
    const eds = await c.next();
    const byName = Object.fromEntries(decodeAll(eds).map((x) => [x.cluster_name, x]));
    expect(byName["reviews.default|v2"].endpoints[0].lb_endpoints).toMatchObject([
      { endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 31002 } } }, health_status: "HEALTHY", load_balancing_weight: { value: 1 } },
    ]);
    expect(byName["reviews.default"].endpoints[0].lb_endpoints).toHaveLength(2);
    c.request(TypeUrl.ClusterLoadAssignment, ["reviews.default|v2", "reviews.default"], { version: eds.version_info, nonce: eds.nonce });

    c.request(TypeUrl.Listener, ["weft.inbound", "weft.outbound"]);
    const lds = await c.next();
    const listeners = Object.fromEntries(decodeAll(lds).map((x) => [x.name, x]));
    expect(listeners["weft.outbound"].address.socket_address).toMatchObject({ address: "127.0.0.1", port_value: 31001 });
    expect(listeners["weft.inbound"].address.socket_address).toMatchObject({ address: "127.0.0.1", port_value: 31002 });
    const hcm = listeners["weft.outbound"].filter_chains[0].filters[0].typed_config;
    expect(hcm["@type"]).toBe(TypeUrl.HttpConnectionManager);
    expect(hcm.rds.route_config_name).toBe("weft.outbound");
    expect(hcm.http_filters.at(-1).typed_config["@type"]).toBe(TypeUrl.Router);
    c.request(TypeUrl.Listener, ["weft.inbound", "weft.outbound"], { version: lds.version_info, nonce: lds.nonce });

    c.request(TypeUrl.RouteConfiguration, ["weft.outbound", "weft.inbound"]);
    const rds = await c.next();
    const routes = Object.fromEntries(decodeAll(rds).map((x) => [x.name, x]));
    const vhost = routes["weft.outbound"].virtual_hosts[0];
    expect(vhost.domains).toEqual(expect.arrayContaining(["reviews", "reviews:9080", "reviews.default", "reviews.default.svc:9080"]));
    expect(vhost.routes).toEqual([expect.objectContaining({ name: "default", match: expect.objectContaining({ prefix: "/" }), route: expect.objectContaining({ cluster: "reviews.default" }) })]);
    expect(routes["weft.inbound"].virtual_hosts[0].routes[0].route.cluster).toBe("weft.inbound|local");
    c.request(TypeUrl.RouteConfiguration, ["weft.outbound", "weft.inbound"], { version: rds.version_info, nonce: rds.nonce });

    // A split change is pushed as RDS only (clusters and endpoints did not change).
    await t.api.splits.set.mutate({ serviceId: reviewsId, backends: [{ version: "v1", weight: 90 }, { version: "v2", weight: 10 }] });
    const push = await c.next();
    expect(push.type_url).toBe(TypeUrl.RouteConfiguration);
    const pushedVhost = decodeAll(push).find((x) => x.name === "weft.outbound")!.virtual_hosts[0];
    expect(pushedVhost.routes[0].route.weighted_clusters.clusters).toMatchObject([
      { name: "reviews.default|v1", weight: { value: 90 } },
      { name: "reviews.default|v2", weight: { value: 10 } },
    ]);
    c.request(TypeUrl.RouteConfiguration, ["weft.outbound", "weft.inbound"], { version: push.version_info, nonce: push.nonce });

    const status = await waitFor("the proxy to be up to date", async () => (await t.api.proxies.list.query()).find((p) => p.nodeId === "reviews-v2-a" && p.upToDate));
    expect(status!).toMatchObject({ kind: "sidecar", service: "reviews", version: "v2" });
    expect(status!.resources.find((r) => r.type === "RDS")!.ackedVersion).toBe(push.version_info);
    expect(c.pending()).toBe(0);

    // Leaving: the endpoint stays known but unhealthy, and the proxy is no longer listed.
    c.close();
    await waitFor("the endpoint to turn unhealthy", async () =>
      (await t.api.services.byId.query({ id: reviewsId })).endpoints.some((e) => e.proxyId === "reviews-v2-a" && e.health === "unhealthy"),
    );
    expect((await t.api.proxies.list.query()).some((p) => p.nodeId === "reviews-v2-a")).toBe(false);
  });

  it("records a NACK with the client's reason and does not resend the rejected version", async () => {
    const c = adsClient(t.controller.xdsAddress, "reviews-v2-nack", { ...META, inbound: { address: "127.0.0.1", port: 31202 } });
    c.request(TypeUrl.Listener, ["weft.inbound", "weft.outbound"]);
    const lds = await c.next();
    c.request(TypeUrl.Listener, ["weft.inbound", "weft.outbound"], { version: "", nonce: lds.nonce, error: 'listener "weft.inbound": address 127.0.0.1:31202 differs from the bound port' });
    const status = await waitFor("the NACK to be recorded", async () =>
      (await t.api.proxies.list.query()).find((p) => p.nodeId === "reviews-v2-nack" && p.resources.some((r) => r.nack)),
    );
    expect(status!.upToDate).toBe(false);
    expect(status!.resources.find((r) => r.type === "LDS")!.nack).toMatchObject({ version: lds.version_info, reason: expect.stringContaining("differs from the bound port") });
    await expect(c.next(300)).rejects.toThrow(/no xDS response/);
    c.close();
  });

  it("sends nothing for a type a reconnecting client already has at the current version", async () => {
    const first = adsClient(t.controller.xdsAddress, "reviews-v2-reconnect", { ...META, inbound: { address: "127.0.0.1", port: 31302 } });
    first.request(TypeUrl.Listener, ["weft.inbound", "weft.outbound"]);
    const lds = await first.next();
    first.close();
    const again = adsClient(t.controller.xdsAddress, "reviews-v2-reconnect", { ...META, inbound: { address: "127.0.0.1", port: 31302 } });
    again.request(TypeUrl.Listener, ["weft.inbound", "weft.outbound"], { version: lds.version_info, nonce: "" });
    await expect(again.next(300)).rejects.toThrow(/no xDS response/);
    again.close();
  });

  it("resolves a bare service name in the caller's namespace, so same-named services never share a domain", async () => {
    const shop = (await t.api.services.create.mutate({ name: "reviews", namespace: "shop", port: 9080 })).service;
    // The commit returns before the snapshot is rebuilt: connect once the new service is in it.
    await waitFor("the snapshot to include reviews.shop", () => t.controller.distributor.current().services.some((s) => s.key === "reviews.shop"));
    try {
      const routesFor = async (nodeId: string, namespace: string) => {
        const c = adsClient(t.controller.xdsAddress, nodeId, { ...META, namespace, register: false });
        c.request(TypeUrl.RouteConfiguration, ["weft.outbound"]);
        const vhosts = decodeAll(await c.next())[0]!.virtual_hosts as Array<{ name: string; domains: string[] }>;
        c.close();
        return vhosts;
      };
      for (const [nodeId, namespace] of [["caller-default", "default"], ["caller-shop", "shop"]] as const) {
        const vhosts = await routesFor(nodeId, namespace);
        const all = vhosts.flatMap((v) => v.domains);
        expect(new Set(all).size, `duplicate domains for a caller in ${namespace}`).toBe(all.length);
        expect(vhosts.find((v) => v.domains.includes("reviews"))!.name).toBe(`reviews.${namespace}`);
        expect(vhosts.find((v) => v.name === "reviews.shop")!.domains).toEqual(expect.arrayContaining(["reviews.shop", "reviews.shop.svc:9080"]));
        expect(vhosts.find((v) => v.name === "reviews.default")!.domains).toEqual(expect.arrayContaining(["reviews.default", "reviews.default.svc:9080"]));
      }
    } finally {
      await t.api.services.remove.mutate({ id: shop.id });
    }
  });

  it("refuses a stream whose sidecar metadata is invalid, naming the field", async () => {
    const c = adsClient(t.controller.xdsAddress, "broken", { ...META, service: "Not A Name" });
    c.request(TypeUrl.Cluster);
    const failure = await waitFor("the stream to be refused", () => c.failure());
    expect(failure!.message).toMatch(/INVALID_ARGUMENT: invalid sidecar node metadata: metadata\.weft\.service: use lowercase letters/);
    c.close();
  });
});

it("finishes marking a departed sidecar's endpoint unhealthy before the controller closes its database", async () => {
  const database = await createTestDatabase();
  try {
    const own = await startTestController({ database });
    const c = adsClient(own.controller.xdsAddress, "reviews-v2-shutdown", META);
    c.request(TypeUrl.Cluster);
    await waitFor("the registration", async () => (await own.api.services.list.query()).some((s) => s.endpoints.some((e) => e.proxyId === "reviews-v2-shutdown")));
    // Closing the stream and the controller at once: the close must wait for the write it caused.
    c.close();
    await own.close();
    const rows = await database.db.endpoint.findMany({ where: { proxyId: "reviews-v2-shutdown" } });
    expect(rows.map((r) => r.health)).toEqual(["UNHEALTHY"]);
  } finally {
    await database.drop();
  }
});
