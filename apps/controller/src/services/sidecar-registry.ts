// Registers the instance behind each connected sidecar as an endpoint of its service and version,
// creating the service and version on first sight (so a new workload needs no manual step), and
// marks it unhealthy when its sidecar goes away; stale ones are removed after a grace period.
// Each replica heartbeats the endpoints of the sidecars connected to it, so an endpoint whose
// replica died (or that was registered before a restart and never came back) also goes unhealthy.
// Endpoint health is observed state, not configuration: it changes no revision. Creating a
// service or version does, attributed to the sidecar.
import type { SidecarMetadata } from "@weft/contracts";
import { checkTcpPortFree } from "../domain/policy-rules";
import type { Clock } from "../ports/clock";
import type { MeshRepository } from "../ports/mesh-repository";
import type { ChangeFeed } from "./change-feed";
import type { DistributorLog } from "./config-distributor";

/** How often connected sidecars' endpoints are marked as seen, and stale ones swept. */
export const HEARTBEAT_MS = 15_000;
/** An endpoint not seen for this long is unhealthy (three missed heartbeats). */
export const STALE_AFTER_MS = 3 * HEARTBEAT_MS;

export type SidecarRegistry = ReturnType<typeof createSidecarRegistry>;

export function createSidecarRegistry(deps: { repo: MeshRepository; feed: ChangeFeed; clock: Clock; log: DistributorLog; graceMs: number }) {
  const { repo, feed, clock, log } = deps;
  const live = new Map<string, number>();
  let sweepTimer: { cancel(): void } | undefined;
  // Database work started by streams and timers, awaited on shutdown so none of it runs while (or
  // after) the database client is closed.
  const inflight = new Set<Promise<unknown>>();
  function track<T>(work: Promise<T>): Promise<T> {
    inflight.add(work);
    const done = () => inflight.delete(work);
    work.then(done, done);
    return work;
  }

  async function register(nodeId: string, meta: SidecarMetadata): Promise<void> {
    const now = new Date(clock.now());
    const actor = `sidecar ${nodeId}`;
    await repo.transaction(async (tx) => {
      let service = await tx.findService(meta.namespace, meta.service);
      if (!service) {
        // Same rule as the API: a TCP port is unique across the mesh (every sidecar listens on it).
        if (meta.protocol === "tcp") checkTcpPortFree(await tx.tcpServices(), meta.servicePort);
        const id = await tx.createService({ name: meta.service, namespace: meta.namespace, protocol: meta.protocol, port: meta.servicePort, description: "", policy: {} });
        await tx.appendRevision({
          actor,
          action: "service.create",
          resourceKind: "service",
          resourceId: id,
          resourceName: `${meta.service}.${meta.namespace}`,
          summary: `registered service ${meta.service}.${meta.namespace} (first sidecar ${nodeId})`,
          before: null,
          after: { name: meta.service, namespace: meta.namespace, protocol: meta.protocol, port: meta.servicePort },
        });
        service = (await tx.loadService(id))!;
      }
      let version = service.versions.find((v) => v.name === meta.version);
      if (!version) {
        const labels = { version: meta.version, ...meta.labels };
        const id = await tx.createVersion(service.id, { name: meta.version, labels });
        await tx.appendRevision({
          actor,
          action: "version.create",
          resourceKind: "version",
          resourceId: id,
          resourceName: `${meta.service}.${meta.namespace}/${meta.version}`,
          summary: `registered version ${meta.version} of ${meta.service}.${meta.namespace} (first sidecar ${nodeId})`,
          before: null,
          after: { name: meta.version, labels },
        });
        version = { id, name: meta.version, labels };
      }
      const { address, port } = meta.inbound;
      const existing = service.endpoints.find((e) => e.address === address && e.port === port);
      const data = { versionId: version.id, health: "healthy" as const, source: "sidecar" as const, proxyId: nodeId, lastSeenAt: now };
      if (existing) await tx.updateEndpoint(existing.id, data);
      else await tx.createEndpoint(service.id, { ...data, address, port, weight: 1 });
    });
    log.info({ nodeId, service: meta.service, version: meta.version, endpoint: `${meta.inbound.address}:${meta.inbound.port}` }, "sidecar registered");
    feed.notify(`sidecar ${nodeId} registered`);
  }

  async function sweep() {
    try {
      const now = clock.now();
      await repo.endpoints.touchProxies([...live.keys()], new Date(now));
      const stale = await repo.endpoints.markStaleUnhealthy(new Date(now - STALE_AFTER_MS));
      const removed = await repo.endpoints.deleteStaleSidecarEndpoints(new Date(now - STALE_AFTER_MS - deps.graceMs));
      if (stale > 0) log.info({ stale }, "endpoints whose sidecar stopped heartbeating are now unhealthy");
      if (removed > 0) log.info({ removed }, "removed endpoints of sidecars gone longer than the grace period");
      if (stale > 0 || removed > 0) feed.notify("stale endpoints");
    } catch (err) {
      log.error({ err }, "endpoint heartbeat sweep failed");
    }
  }

  let stopped = false;
  function scheduleSweep() {
    if (stopped) return;
    sweepTimer = clock.setTimeout(async () => {
      await track(sweep());
      scheduleSweep();
    }, HEARTBEAT_MS);
  }

  return {
    start: scheduleSweep,
    stop: () => {
      stopped = true;
      sweepTimer?.cancel();
    },
    /** Resolves once registrations, disconnections and sweeps under way are done (shutdown). */
    settled: async () => {
      while (inflight.size > 0) await Promise.allSettled([...inflight]);
    },
    sweep,
    /** A sidecar's stream opened. Several streams of one node (a reconnect race) are counted. */
    async connected(nodeId: string, meta: SidecarMetadata): Promise<void> {
      live.set(nodeId, (live.get(nodeId) ?? 0) + 1);
      if (meta.register) await track(register(nodeId, meta));
    },
    async disconnected(nodeId: string): Promise<void> {
      const n = (live.get(nodeId) ?? 1) - 1;
      if (n > 0) {
        live.set(nodeId, n);
        return;
      }
      live.delete(nodeId);
      const count = await track(repo.endpoints.markProxyGone(nodeId, new Date(clock.now())));
      if (count > 0) {
        log.info({ nodeId, endpoints: count }, "sidecar disconnected; its endpoints are now unhealthy");
        feed.notify(`sidecar ${nodeId} disconnected`);
      }
    },
  };
}
