// Connected data-plane clients and, per xDS type, what was sent, ACKed or NACKed — the answer to
// "is this proxy up to date, and if not, why?". In memory: each replica knows its own streams.
import type { ProxyStatus } from "@weft/contracts";
import type { Clock } from "../ports/clock";

type TypeStatus = ProxyStatus["resources"][number];

interface Connection {
  nodeId: string;
  kind: ProxyStatus["kind"];
  service: string;
  namespace: string;
  version: string;
  userAgent: string;
  peer: string;
  connectedAt: number;
  types: Map<string, TypeStatus>;
}

export type ProxyRegistry = ReturnType<typeof createProxyRegistry>;

export function createProxyRegistry(clock: Clock) {
  const connections = new Map<number, Connection>();
  const lastReport = new Map<string, number>();
  let seq = 0;

  const typeOf = (c: Connection, type: string): TypeStatus => {
    let t = c.types.get(type);
    if (!t) {
      t = { type, sentVersion: null, ackedVersion: null, nack: null };
      c.types.set(type, t);
    }
    return t;
  };
  const withConn = (id: number, fn: (c: Connection) => void) => {
    const c = connections.get(id);
    if (c) fn(c);
  };

  return {
    connect(info: Omit<Connection, "connectedAt" | "types">): number {
      const id = ++seq;
      connections.set(id, { ...info, connectedAt: clock.now(), types: new Map() });
      return id;
    },
    disconnect(id: number) {
      connections.delete(id);
    },
    sent: (id: number, type: string, version: string) => withConn(id, (c) => void (typeOf(c, type).sentVersion = version)),
    acked: (id: number, type: string, version: string) =>
      withConn(id, (c) => {
        const t = typeOf(c, type);
        t.ackedVersion = version;
        t.nack = null;
      }),
    nacked: (id: number, type: string, version: string, reason: string) =>
      withConn(id, (c) => void (typeOf(c, type).nack = { version, reason, at: new Date(clock.now()).toISOString() })),
    reported(nodeId: string) {
      lastReport.set(nodeId, clock.now());
    },
    /** Sidecars connected to this controller, by node id (the newest connection wins). */
    connectedNodeIds(): Set<string> {
      return new Set([...connections.values()].map((c) => c.nodeId));
    },
    lastReportAt: (nodeId: string) => lastReport.get(nodeId),
    list(): ProxyStatus[] {
      const byNode = new Map<string, Connection>();
      for (const c of connections.values()) {
        const prev = byNode.get(c.nodeId);
        if (!prev || prev.connectedAt <= c.connectedAt) byNode.set(c.nodeId, c);
      }
      return [...byNode.values()]
        .sort((a, b) => a.service.localeCompare(b.service) || a.nodeId.localeCompare(b.nodeId))
        .map((c) => {
          const resources = [...c.types.values()].sort((a, b) => a.type.localeCompare(b.type));
          const report = lastReport.get(c.nodeId);
          return {
            nodeId: c.nodeId,
            kind: c.kind,
            service: c.service,
            namespace: c.namespace,
            version: c.version,
            userAgent: c.userAgent,
            peer: c.peer,
            connectedAt: new Date(c.connectedAt).toISOString(),
            lastReportAt: report ? new Date(report).toISOString() : null,
            resources: resources.map((r) => ({ ...r })),
            upToDate: resources.length > 0 && resources.every((r) => r.nack === null && r.sentVersion !== null && r.ackedVersion === r.sentVersion),
          };
        });
    },
  };
}
