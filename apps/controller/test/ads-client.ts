// A minimal raw ADS client for tests: sends DiscoveryRequests as a sidecar (node.metadata.weft) or a
// generic xDS node, queues responses, and decodes their resources without oneof markers, so tests
// can compare exactly the Envoy fields the controller wrote.
import { credentials, type ClientDuplexStream } from "@grpc/grpc-js";
import type { SidecarMetadata } from "@weft/contracts";
import { jsonToStruct, TypeName, TypeUrl } from "@weft/contracts/proto";
import { loadGrpcJsProtos } from "@weft/contracts/proto/grpc-js";

export const protos = loadGrpcJsProtos();

export interface AdsResponse {
  version_info: string;
  nonce: string;
  type_url: string;
  resources: Array<{ type_url: string; value: Buffer }>;
}

const TYPE_NAME: Record<string, string> = {
  [TypeUrl.Cluster]: TypeName.Cluster,
  [TypeUrl.ClusterLoadAssignment]: TypeName.ClusterLoadAssignment,
  [TypeUrl.Listener]: TypeName.Listener,
  [TypeUrl.RouteConfiguration]: TypeName.RouteConfiguration,
};

/** Decodes every resource of a response: snake_case, enums by name, Any expanded with "@type". */
export function decodeAll(r: AdsResponse): Array<Record<string, any>> {
  const type = protos.root.lookupType(TYPE_NAME[r.type_url]!);
  return (r.resources ?? []).map((a) => type.toObject(type.decode(a.value), { longs: String, enums: String, defaults: false, oneofs: false, json: true }) as Record<string, any>);
}

/** Resources of a response by name (`name`, or `cluster_name` for EDS). */
export function byName(r: AdsResponse): Record<string, Record<string, any>> {
  return Object.fromEntries(decodeAll(r).map((x) => [x.name ?? x.cluster_name, x]));
}

export function adsClient(address: string, nodeId: string, meta: SidecarMetadata | null) {
  const client = new protos.ads(address, credentials.createInsecure()) as unknown as {
    StreamAggregatedResources(): ClientDuplexStream<object, AdsResponse>;
    close(): void;
  };
  const stream = client.StreamAggregatedResources();
  const queue: AdsResponse[] = [];
  const waiters: Array<(r: AdsResponse) => void> = [];
  stream.on("data", (r: AdsResponse) => {
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
    next(timeoutMs = 5000): Promise<AdsResponse> {
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

export const SIDECAR_META: SidecarMetadata = {
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

/**
 * A client that behaves like a well-mannered proxy: subscribes, ACKs every response, and keeps the
 * latest response per type; `until` waits for one that satisfies a condition (e.g. after a change).
 */
export function adsSubscriber(address: string, nodeId: string, meta: SidecarMetadata | null) {
  const c = adsClient(address, nodeId, meta);
  const names = new Map<string, string[]>();
  const latest = new Map<string, AdsResponse>();
  const waiters = new Set<() => void>();
  let closed = false;
  void (async () => {
    while (!closed) {
      let r: AdsResponse;
      try {
        r = await c.next(60_000);
      } catch {
        continue;
      }
      latest.set(r.type_url, r);
      c.request(r.type_url, names.get(r.type_url) ?? [], { version: r.version_info, nonce: r.nonce });
      for (const w of waiters) w();
    }
  })();
  return {
    subscribe(typeUrl: string, resourceNames: string[] = []) {
      names.set(typeUrl, resourceNames);
      // A change of subscription answers the latest response of its type, as a proxy's does.
      const r = latest.get(typeUrl);
      c.request(typeUrl, resourceNames, r && { version: r.version_info, nonce: r.nonce });
    },
    /** The latest response of `typeUrl` for which `check` holds (decoded by name). */
    until(typeUrl: string, check: (resources: Record<string, Record<string, any>>) => boolean = () => true, timeoutMs = 5000): Promise<Record<string, Record<string, any>>> {
      return new Promise((resolve, reject) => {
        const test = () => {
          const r = latest.get(typeUrl);
          if (!r) return false;
          const decoded = byName(r);
          if (!check(decoded)) return false;
          waiters.delete(test);
          clearTimeout(timer);
          resolve(decoded);
          return true;
        };
        const timer = setTimeout(() => {
          waiters.delete(test);
          reject(new Error(`no ${typeUrl} response satisfying the condition within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(test);
        test();
      });
    },
    failure: c.failure,
    close() {
      closed = true;
      c.close();
    },
  };
}
