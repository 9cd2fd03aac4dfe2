// /config_dump: the node, xDS state per type (ACKed version, last NACK with reason and time), where
// the config came from, the workload identity (never the key), and the current translated runtime
// config including listener filter chains and cluster transports. Built on demand; never on the
// request path.
import type { SidecarMetadata } from "@weft/contracts";
import type { ConfigSnapshot, ListenerConfig } from "../core/runtime-config";
import type { AdsStatus } from "../discovery/ads-client";
import type { IdentityStatus } from "../identity/identity-manager";
import type { TcpListenerStatus } from "../tcp/tcp-listeners";
import type { ConfigOrigin } from "./readiness";

function listenerDump(l: ListenerConfig) {
  return {
    name: l.name,
    address: l.address,
    port: l.port,
    routeConfigName: l.routeConfigName,
    tlsInspector: l.transport.tlsInspector,
    filterChains: l.transport.chains.map((c) => ({
      transportProtocol: c.transportProtocol ?? null,
      kind: c.kind,
      tls: c.tls ? { requireClientCertificate: c.tls.requireClientCertificate, alpn: c.tls.alpn, san: c.tls.san } : null,
      ...(c.kind === "http" ? { routeConfigName: c.routeConfigName } : { cluster: c.tcpCluster }),
    })),
  };
}

export function configDump(input: {
  nodeId: string;
  metadata: SidecarMetadata;
  xds: AdsStatus;
  snapshot: ConfigSnapshot;
  origin?: ConfigOrigin | undefined;
  identity?: IdentityStatus | undefined;
  tcpListeners?: TcpListenerStatus[];
}) {
  const s = input.snapshot;
  return {
    node: { id: input.nodeId, metadata: input.metadata },
    xds: input.xds,
    origin: input.origin ?? null,
    identity: input.identity ?? null,
    config: {
      generation: s.generation,
      listeners: [s.inbound, s.outbound].filter((l) => l !== undefined).map(listenerDump),
      tcpListeners: input.tcpListeners ?? [...(s.tcpListeners?.values() ?? [])].map(listenerDump),
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
        protocol: c.config.transport.protocol,
        tls: c.config.transport.tls ? { sni: c.config.transport.tls.sni, alpn: c.config.transport.tls.alpn, san: c.config.transport.tls.san } : null,
        transportSocketMatches: c.config.transport.matches.map((m) => ({ name: m.name, match: m.match, tls: m.tls !== undefined })),
        healthy: c.healthyCount,
        endpoints: c.endpoints.map((e) => ({
          address: e.address,
          port: e.port,
          weight: e.weight,
          health: e.health,
          ...(s.endpointLabels?.get(e.key) ? { transportLabels: s.endpointLabels.get(e.key) } : {}),
        })),
      })),
    },
  };
}
