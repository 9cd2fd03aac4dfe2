// The ADS server as a Weft sidecar sees it, driven by a raw xDS client: resource shapes per
// docs/xds.md, sidecar self-registration, ACK/NACK bookkeeping, pushes on change, skipping
// unchanged types on reconnect, and endpoints going unhealthy when the sidecar leaves.
import { credentials, type ClientDuplexStream } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SidecarMetadata } from "@weft/contracts";
import { jsonToStruct, loadProtos, TypeName, TypeUrl } from "@weft/contracts/proto";
import { startTestController, waitFor, type TestController } from "./harness";

const protos = loadProtos();

interface Response {
  version_info: string;
  nonce: string;
  type_url: string;
  resources: Array<{ type_url: string; value: Buffer }>;
}

const META: SidecarMetadata = {
  service: "reviews",
  namespace: "default",
  version: "v2",
  labels: { track: "canary" },
  protocol: "http",
  servicePort: 9080,
  inbound: { address: "127.0.0.1", port: 31002 },
  outbound: { address: "127.0.0.1", port: 31001 },
  app: { address: "127.0.0.1", port: 31000 },
  adminPort: 31003,
  register: true,
  proxyVersion: "test",
};

const TYPE_NAME: Record<string, string> = {
  [TypeUrl.Cluster]: TypeName.Cluster,
  [TypeUrl.ClusterLoadAssignment]: TypeName.ClusterLoadAssignment,
  [TypeUrl.Listener]: TypeName.Listener,
  [TypeUrl.RouteConfiguration]: TypeName.RouteConfiguration,
};

/** A minimal ADS client: sends requests, queues responses, decodes resources. */
function adsClient(address: string, nodeId: string, meta: SidecarMetadata | null) {
  const client = new protos.ads(address, credentials.createInsecure()) as unknown as {
    StreamAggregatedResources(): ClientDuplexStream<object, Response>;
    close(): void;
  };
  const stream = client.StreamAggregatedResources();
  const queue: Response[] = [];
  const waiters: Array<(r: Response) => void> = [];
  stream.on("data", (r: Response) => {
    const w = waiters.shift();
    if (w) w(r);
    else queue.push(r);
  });
  let failure: Error | undefined;
  stream.on("error", (err: Error) => {
    failure = err;
  });
  const node = { id: nodeId, cluster: meta?.service ?? "generic", ...(meta ? { metadata: jsonToStruct({ weft: meta }) } : {}) };
  return {
    request(typeUrl: string, names: string[] = [], ack?: { version: string; nonce: string; error?: string }) {
      stream.write({
        node,
        type_url: typeUrl,
        resource_names: names,
        version_info: ack?.version ?? "",
        response_nonce: ack?.nonce ?? "",
        ...(ack?.error ? { error_detail: { code: 3, message: ack.error } } : {}),
      });
    },
    next(timeoutMs = 5000): Promise<Response> {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error("no xDS response within the deadline")), timeoutMs);
        waiters.push((r) => {
          clearTimeout(timer);
          resolve(r);
        });
      });
    },
    pending: () => queue.length,
    failure: () => failure,
    close() {
      stream.end();
      stream.cancel();
      client.close();
    },
  };
}

const decodeAll = (r: Response) => r.resources.map((a) => protos.decode<Record<string, any>>(TYPE_NAME[r.type_url]!, a.value));

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

  it("refuses a stream whose sidecar metadata is invalid, naming the field", async () => {
    const c = adsClient(t.controller.xdsAddress, "broken", { ...META, service: "Not A Name" });
    c.request(TypeUrl.Cluster);
    const failure = await waitFor("the stream to be refused", () => c.failure());
    expect(failure!.message).toMatch(/INVALID_ARGUMENT: invalid sidecar node metadata: metadata\.weft\.service: use lowercase letters/);
    c.close();
  });
});
