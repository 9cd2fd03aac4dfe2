// /config_dump: the node, xDS state per type (ACKed version, last NACK with reason and time) and
// the current translated runtime config. Built on demand; never on the request path.
import type { SidecarMetadata } from "@weft/contracts";
import type { ConfigSnapshot } from "../core/runtime-config";
import type { AdsStatus } from "../discovery/ads-client";

export function configDump(input: { nodeId: string; metadata: SidecarMetadata; xds: AdsStatus; snapshot: ConfigSnapshot }) {
  const s = input.snapshot;
  return {
    node: { id: input.nodeId, metadata: input.metadata },
    xds: input.xds,
    config: {
      generation: s.generation,
      listeners: [s.inbound, s.outbound].filter((l) => l !== undefined),
      routes: [...s.routes.values()].map((t) => ({
        name: t.name,
        virtualHosts: t.virtualHosts.map((v) => ({
          name: v.name,
          domains: v.domains,
          routes: v.routes.map((r) => ({ name: r.name, match: { path: r.path, headers: r.headers }, clusters: r.clusters })),
        })),
      })),
      clusters: [...s.clusters.values()].map((c) => ({
        name: c.config.name,
        kind: c.config.kind,
        edsName: c.config.edsName,
        connectTimeoutMs: c.config.connectTimeoutMs,
        lbPolicy: c.config.lbPolicy,
        healthy: c.healthyCount,
        endpoints: c.endpoints.map((e) => ({ address: e.address, port: e.port, weight: e.weight, health: e.health })),
      })),
    },
  };
}
