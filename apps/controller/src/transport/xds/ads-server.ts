// The Aggregated Discovery Service: accepts streams, identifies the node (Weft sidecar or generic
// xDS client), registers sidecars' endpoints, and feeds each stream the current snapshot.
import { status, type ServerDuplexStream, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { SidecarMetadataSchema } from "@weft/contracts";
import { structToJson } from "@weft/contracts/proto";
import type { ConfigDistributor } from "../../services/config-distributor";
import type { ProxyRegistry } from "../../services/proxy-registry";
import type { SidecarRegistry } from "../../services/sidecar-registry";
import { AdsStream, type DiscoveryRequest, type DiscoveryResponse } from "./ads-stream";
import type { NodeProfile, ResourceBuilder } from "./node-resources";

export interface XdsLog {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface XdsMetrics {
  /** `sinceChangeMs`: for pushes caused by a mesh change, the time since it was committed. */
  pushed(type: string, sinceChangeMs?: number): void;
  acked(type: string): void;
  nacked(type: string): void;
}

export function createAdsImplementation(deps: {
  builder: ResourceBuilder;
  distributor: ConfigDistributor;
  proxies: ProxyRegistry;
  sidecars: SidecarRegistry;
  log: XdsLog;
  metrics?: XdsMetrics;
  clock?: { now(): number };
}): UntypedServiceImplementation {
  const { builder, distributor, proxies, sidecars, log, metrics } = deps;
  const now = deps.clock ? () => deps.clock!.now() : () => Date.now();

  function profileOf(node: NonNullable<DiscoveryRequest["node"]>): { profile: NodeProfile } | { error: string } {
    const metadata = structToJson(node.metadata);
    // Envoy and gRPC clients may say which namespace they run in (as Istio's NAMESPACE metadata); default otherwise.
    if (metadata.weft === undefined) {
      const ns = typeof metadata.NAMESPACE === "string" ? metadata.NAMESPACE : typeof metadata.namespace === "string" ? metadata.namespace : "default";
      return { profile: { kind: "generic", namespace: ns } };
    }
    const parsed = SidecarMetadataSchema.safeParse(metadata.weft);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `metadata.weft.${i.path.join(".")}: ${i.message}`).join("; ");
      return { error: `invalid sidecar node metadata: ${issues}` };
    }
    return { profile: { kind: "sidecar", meta: parsed.data } };
  }

  function stream(call: ServerDuplexStream<DiscoveryRequest, DiscoveryResponse>) {
    let ads: AdsStream | undefined;
    let connId: number | undefined;
    let nodeId = "";
    let sidecar = false;
    let unsubscribe: (() => void) | undefined;
    let ended = false;
    /** While a new snapshot is being pushed: when its change was committed. */
    let pushCause: number | undefined;

    const end = (reason: string) => {
      if (ended) return;
      ended = true;
      unsubscribe?.();
      if (connId !== undefined) proxies.disconnect(connId);
      if (sidecar) sidecars.disconnected(nodeId).catch((err) => log.error({ err, nodeId }, "could not mark sidecar endpoints unhealthy"));
      if (nodeId) log.info({ nodeId, reason }, "xDS stream closed");
    };

    call.on("data", (req: DiscoveryRequest) => {
      try {
        if (!ads) {
          const node = req.node;
          if (!node?.id) {
            call.emit("error", { code: status.INVALID_ARGUMENT, details: "the first DiscoveryRequest must carry node.id" });
            return;
          }
          const p = profileOf(node);
          if ("error" in p) {
            log.warn({ nodeId: node.id, error: p.error }, "refused xDS stream");
            call.emit("error", { code: status.INVALID_ARGUMENT, details: p.error });
            return;
          }
          nodeId = node.id;
          const meta = p.profile.kind === "sidecar" ? p.profile.meta : undefined;
          connId = proxies.connect({
            nodeId,
            kind: meta ? "sidecar" : "xds-client",
            service: meta?.service ?? node.cluster ?? "",
            namespace: meta?.namespace ?? "",
            version: meta?.version ?? "",
            userAgent: [node.user_agent_name, node.user_agent_version].filter(Boolean).join("/"),
            peer: call.getPeer(),
          });
          const id = connId;
          ads = new AdsStream(call, p.profile, builder, distributor.current(), {
            sent: (type, version, n) => {
              proxies.sent(id, type, version);
              metrics?.pushed(type, pushCause === undefined ? undefined : now() - pushCause);
              log.debug({ nodeId, type, version, resources: n }, "xDS push");
            },
            acked: (type, version) => {
              proxies.acked(id, type, version);
              metrics?.acked(type);
            },
            nacked: (type, version, reason) => {
              proxies.nacked(id, type, version, reason);
              metrics?.nacked(type);
              log.warn({ nodeId, type, version, reason }, "xDS NACK: the proxy rejected config and keeps its last good one");
            },
          });
          const s = ads;
          unsubscribe = distributor.subscribe((snapshot) => {
            pushCause = distributor.changedAt(snapshot);
            try {
              s.onSnapshot(snapshot);
            } finally {
              pushCause = undefined;
            }
          });
          log.info({ nodeId, kind: meta ? "sidecar" : "xds-client", peer: call.getPeer() }, "xDS stream opened");
          if (meta) {
            sidecar = true;
            sidecars.connected(nodeId, meta).catch((err) => log.error({ err, nodeId }, "could not register sidecar endpoint"));
          }
        }
        ads.onRequest(req);
      } catch (err) {
        log.error({ err, nodeId }, "xDS request handling failed");
        call.emit("error", { code: status.INTERNAL, details: "controller error handling the request; see its log" });
      }
    });
    call.on("end", () => {
      end("client closed");
      call.end();
    });
    call.on("cancelled", () => end("cancelled"));
    call.on("error", () => end("error"));
    call.on("close", () => end("closed"));
  }

  return {
    StreamAggregatedResources: stream,
    DeltaAggregatedResources: (call: ServerDuplexStream<unknown, unknown>) => {
      call.emit("error", { code: status.UNIMPLEMENTED, details: "Weft serves state-of-the-world ADS; delta xDS is not implemented" });
    },
  } as UntypedServiceImplementation;
}
