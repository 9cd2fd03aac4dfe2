// Assembles one sidecar: the workload identity (certificate from the mesh CA, or from disk), the
// outbound, inbound and admin listeners (ports from config, 0 = any), the last good config from
// disk, then tells the controller the bound ports (node metadata) and starts xDS and telemetry.
// The listeners serve from the first moment (WEFT_NO_CONFIG until a config is there).
import type { Server } from "node:http";
import { pino, type Logger } from "pino";
import type { SidecarMetadata } from "@weft/contracts";
import { loadProtos } from "@weft/contracts/proto";
import { ConfigError, type SidecarConfig } from "./env";
import { createBackoff, type BackoffOptions } from "./core/backoff";
import { systemClock, type Clock } from "./core/clock";
import { createProxyEvents, type ProxyEvents } from "./core/events";
import { EMPTY_SNAPSHOT, type ConfigSnapshot, type WorkloadIdentity } from "./core/runtime-config";
import { EXTERNAL, UNKNOWN } from "./core/request-context";
import { closeServer, listen } from "./core/http-server";
import type { ProxyListener } from "./core/proxy-listener";
import { createUpstreamPools } from "./upstream/pools";
import { createOutboundHandler } from "./outbound/stack";
import { createOutboundListener } from "./outbound/listener";
import { createInboundHandler } from "./inbound/stack";
import { createInboundListener } from "./inbound/listener";
import { createTcpProxy } from "./tcp/tcp-proxy";
import { createTcpListeners } from "./tcp/tcp-listeners";
import { createTlsProvider } from "./tls/material";
import { createIdentityManager, type IdentityManager } from "./identity/identity-manager";
import { createCaSigner } from "./identity/ca-client";
import { createCertificateStore } from "./identity/certificate-store";
import { createConfigStore } from "./discovery/config-store";
import { createHealthChecking } from "./health/health-checker";
import { endpointKeys } from "./discovery/snapshot-builder";
import { createAdsClient } from "./discovery/ads-client";
import { buildNode } from "./discovery/node";
import { createStateDir } from "./discovery/persist";
import { createConfigPersistence } from "./discovery/persist-config";
import { createEdgeStats } from "./telemetry/edge-stats";
import { createTcpStats } from "./telemetry/tcp-stats";
import { createFailureSamples } from "./telemetry/failure-samples";
import { createAccessLog } from "./telemetry/access-log";
import { subscribeRequestTelemetry } from "./telemetry/request-telemetry";
import { createMetrics } from "./telemetry/prometheus";
import { createReportStream } from "./telemetry/report-stream";
import { createWindowSource } from "./telemetry/report-window";
import { createTracing } from "./tracing/tracing";
import type { ExportOptions } from "./tracing/span-export";
import { createAdminServer, type AdminHandlers } from "./admin/admin-server";
import { readiness, type ConfigOrigin } from "./admin/readiness";
import { configDump } from "./admin/config-dump";

export interface SidecarOptions {
  /** Timers for reconnect backoff, telemetry intervals, certificate rotation, gRPC deadlines (tests: createFakeClock()). */
  clock?: Clock;
  /** Uniform [0, 1): weighted splits, round-robin start, backoff and rotation jitter. */
  random?: () => number;
  logger?: Logger;
  /** Reconnect backoff for the xDS, telemetry and CA calls (defaults: 500 ms doubling to 30 s). */
  backoff?: Omit<BackoffOptions, "random">;
  /** Node process metrics (CPU, memory, event loop) on /metrics; main.ts turns them on. */
  processMetrics?: boolean;
  /** Span export queue and batching (tests: small queues). */
  traceExport?: ExportOptions;
}

export interface Sidecar {
  /** The ports actually bound (differ from config when it said 0). */
  ports: { inbound: number; outbound: number; admin: number };
  nodeId: string;
  /** What the controller was told about this sidecar. */
  metadata: SidecarMetadata;
  /** The current runtime config snapshot. */
  config(): ConfigSnapshot;
  events: ProxyEvents;
  /** The workload identity (undefined without WEFT_JOIN_TOKEN). */
  identity: IdentityManager | undefined;
  /** Resolves when everything persisted so far is on disk. */
  flushState(): Promise<void>;
  /** Exports the spans queued so far and writes the buffered access log lines. */
  flushTelemetry(): Promise<void>;
  /** Stops accepting, drains in-flight requests for up to drainMs (default 0), closes streams, timers and pools. */
  close(options?: { drainMs?: number }): Promise<void>;
}

export const OUTBOUND_ADDRESS = "127.0.0.1";

function withoutUserinfo(url: string): string {
  const u = new URL(url);
  if (u.username === "" && u.password === "") return url;
  u.username = "";
  u.password = "";
  return u.toString();
}
const ADMIN_ADDRESS = "127.0.0.1";

export async function createSidecar(config: SidecarConfig, options: SidecarOptions = {}): Promise<Sidecar> {
  // The join token is a secret: never in a log line, whatever object gets logged.
  const logger = options.logger ?? pino({ level: config.logLevel, base: { node: config.nodeId }, redact: ["joinToken", "*.joinToken"] });
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const events = createProxyEvents();
  const self: WorkloadIdentity = { service: config.service, namespace: config.namespace, version: config.version };
  const stateDir = createStateDir(config.stateDir);
  const protos = loadProtos();

  // Identity -> TLS material -> upstream connections: a new certificate is used by new connections,
  // connections made with the previous one finish on it and are then closed gracefully.
  const tls = createTlsProvider();
  const pools = createUpstreamPools({ tls: () => tls.current });
  tls.onChange((material, previous) => {
    if (previous !== undefined) pools.retireTls(material.generation);
  });
  const identity =
    config.joinToken === undefined
      ? undefined
      : createIdentityManager({
          service: config.service,
          namespace: config.namespace,
          signer: createCaSigner({ address: config.caAddress, token: config.joinToken, protos }),
          caAddress: config.caAddress,
          clock,
          backoff: createBackoff({ ...options.backoff, random }),
          random,
          logger,
          events,
          store: createCertificateStore(stateDir),
        });
  identity?.onChange((cert) => tls.update(cert));

  // The one reference the listeners read per request; discovery replaces it with a complete snapshot.
  const holder: { current: ConfigSnapshot } = { current: EMPTY_SNAPSHOT };

  // Telemetry: the access log opens first (a bad WEFT_ACCESS_LOG fails the start, naming the file).
  const accessLog =
    config.accessLog.target === "off"
      ? undefined
      : await createAccessLog({ target: config.accessLog.target, sampling: config.accessLog.sampling, random, now: () => clock.now() }).catch((err: Error) => {
          throw new ConfigError([err.message]);
        });
  const tracing = createTracing({ self, nodeId: config.nodeId, sampling: config.tracing.sampling, endpoints: config.tracing.endpoints, random, export: { clock, random, ...options.traceExport } });
  const edges = createEdgeStats();
  const tcpStats = createTcpStats({ self, config: holder });
  const failures = createFailureSamples();
  const unsubscribeTelemetry = subscribeRequestTelemetry({ events, clock, edges, tcp: tcpStats, failures, tracing, accessLog });
  const metrics = createMetrics({ edges, tcp: tcpStats, tracing: tracing.counters, accessLog: accessLog?.counters, events, processMetrics: options.processMetrics ?? false });
  const stopTelemetry = async () => {
    unsubscribeTelemetry();
    metrics.close();
    // Bounded by the export timeout when a collector is gone.
    await Promise.all([tracing.shutdown().catch(() => undefined), accessLog?.close()]);
  };
  const currentTls = () => tls.current;
  const tcpOutbound = createTcpProxy({ direction: "outbound", config: holder, pools, events, logger, clock });
  const tcpInbound = createTcpProxy({ direction: "inbound", config: holder, pools, events, logger, clock });

  const outbound = createOutboundListener({
    handler: createOutboundHandler({ self, pools, random, clock, tracing }),
    config: holder,
    events,
    initialSource: self,
    initialDestination: UNKNOWN,
    logger,
    clock,
    tls: currentTls,
    tcp: tcpOutbound,
  });
  const inbound = createInboundListener({
    handler: createInboundHandler({ pools, random, clock, tracing }),
    config: holder,
    events,
    initialSource: EXTERNAL,
    initialDestination: self,
    logger,
    clock,
    tls: currentTls,
    tcp: tcpInbound,
  });
  // Late-bound: the admin server listens before the certificate and the saved config are read
  // and before xDS starts; until then it answers "starting" (503).
  let adminHandlers: Pick<AdminHandlers, "ready" | "configDump"> = {
    ready: () => ({ ready: false, reason: "starting: reading the workload certificate and the last good config from the state directory", controllerConnected: false }),
    configDump: () => undefined,
  };
  const admin = createAdminServer({
    ready: () => adminHandlers.ready(),
    configDump: () => adminHandlers.configDump(),
    metrics: () => metrics.render(),
    metricsContentType: metrics.contentType,
  });

  const listeners: ProxyListener[] = [];
  const servers: Server[] = [];
  let ports: Sidecar["ports"];
  try {
    const bindListener = async (l: ProxyListener, port: number, host: string, what: string) => {
      const bound = await l.listen(port, host, what);
      listeners.push(l);
      return bound;
    };
    ports = {
      outbound: await bindListener(outbound, config.outbound.port, OUTBOUND_ADDRESS, "outbound listener (WEFT_OUTBOUND_PORT)"),
      inbound: await bindListener(inbound, config.inbound.port, config.inbound.address, "inbound listener (WEFT_INBOUND_ADDRESS/WEFT_INBOUND_PORT)"),
      admin: await listen(admin, config.adminPort, ADMIN_ADDRESS, "admin server (WEFT_ADMIN_PORT)"),
    };
    servers.push(admin);
  } catch (err) {
    await Promise.all(listeners.map((l) => l.close(0)));
    await pools.close();
    await stopTelemetry();
    throw err;
  }

  const metadata: SidecarMetadata = {
    service: config.service,
    namespace: config.namespace,
    version: config.version,
    labels: config.labels,
    protocol: config.protocol,
    servicePort: config.servicePort,
    inbound: { address: config.inbound.address, port: ports.inbound },
    outbound: { address: OUTBOUND_ADDRESS, port: ports.outbound },
    app: config.app,
    adminPort: ports.admin,
    register: config.register,
    proxyVersion: config.proxyVersion,
  };

  const tcpListeners = createTcpListeners({ proxy: tcpOutbound, logger, clock });
  const store = createConfigStore({ bound: { inbound: metadata.inbound, outbound: metadata.outbound }, random, tcp: tcpListeners, identity: identity !== undefined });
  const persistence = createConfigPersistence(stateDir, config.nodeId, logger, () => clock.now());
  // Active health checks follow the clusters of each new snapshot (traffic policy, health/).
  const healthChecks = createHealthChecking({ clock, tls: () => pools.tls() });
  let restoring = false;
  store.onSwap((snapshot) => {
    holder.current = snapshot;
    healthChecks.sync(snapshot);
    pools.retain(endpointKeys(snapshot));
    if (!restoring) persistence.save(store.accepted());
  });

  // A still-valid certificate from disk first, so a restored mTLS config can serve at once.
  await identity?.start();
  let origin: ConfigOrigin | undefined;
  const saved = await persistence.load();
  if (saved !== undefined) {
    restoring = true;
    try {
      await store.restore(saved.types);
      origin = { source: "disk", since: new Date(clock.now()).toISOString() };
      logger.warn(
        { savedAt: saved.savedAt, dir: config.stateDir, versions: Object.fromEntries(Object.entries(saved.types).map(([t, v]) => [t.slice(t.lastIndexOf(".") + 1), v.version])) },
        "serving the last good config from disk until the controller answers",
      );
    } catch (err) {
      logger.warn({ err: (err as Error).message, dir: config.stateDir }, "the persisted config no longer applies; waiting for the controller");
    } finally {
      restoring = false;
    }
  }
  events.on("xdsUpdate", ({ result }) => {
    if (result !== "ack" || origin?.source === "controller") return;
    if (origin?.source === "disk") logger.info("the controller answered: no longer serving the config from disk");
    origin = { source: "controller", since: new Date(clock.now()).toISOString() };
  });

  const ads = createAdsClient({
    address: config.controller,
    node: buildNode(config.nodeId, metadata),
    protos,
    store,
    clock,
    backoff: createBackoff({ ...options.backoff, random }),
    events,
    logger,
    // Wildcard: the node's listeners include one per TCP service, named by the controller.
    listenerNames: [],
  });
  const reporter = createReportStream({
    address: config.controller,
    protos,
    clock,
    backoff: createBackoff({ ...options.backoff, random }),
    events,
    logger,
    window: createWindowSource({ edges, tcp: tcpStats, failures }),
    intervalMs: config.reportIntervalMs,
    nodeId: config.nodeId,
    identity: self,
  });
  adminHandlers = {
    ready: () =>
      readiness({ snapshot: holder.current, controller: config.controller, controllerConnected: ads.status().connected, origin, identity: identity?.status(), caAddress: config.caAddress }),
    configDump: () => ({
      ...configDump({ nodeId: config.nodeId, metadata, xds: ads.status(), snapshot: holder.current, origin, identity: identity?.status(), tcpListeners: tcpListeners.status() }),
      telemetry: {
        reportsAcked: reporter.acked,
        traceSampling: config.tracing.sampling,
        // Where spans go, without any credentials a URL may carry.
        otlpEndpoints: config.tracing.endpoints.map((e) => ({ protocol: e.protocol, url: withoutUserinfo(e.url) })),
        accessLog: config.accessLog,
      },
    }),
  };

  logger.info({ ports, app: config.app, controller: config.controller, identity: identity ? config.caAddress : "none (no WEFT_JOIN_TOKEN)", stateDir: config.stateDir }, "sidecar listening");
  ads.start();
  reporter.start();

  let closing: Promise<void> | undefined;
  return {
    ports,
    nodeId: config.nodeId,
    metadata,
    config: () => holder.current,
    events,
    identity,
    flushState: () => persistence.flush(),
    async flushTelemetry() {
      await Promise.all([tracing.flush(), accessLog?.flush()]);
    },
    close(closeOptions = {}) {
      closing ??= (async () => {
        const drainMs = closeOptions.drainMs ?? 0;
        // Stop accepting and drain first, with config and pools still live for in-flight requests.
        await Promise.all([...listeners.map((l) => l.close(drainMs)), tcpListeners.close(drainMs), ...servers.map((s) => closeServer(s, 0))]);
        ads.close();
        reporter.close();
        identity?.close();
        await healthChecks.close();
        await pools.close();
        // After the drain: the last requests' spans and log lines go out too.
        await stopTelemetry();
        await persistence.flush();
        logger.info("sidecar stopped");
      })();
      return closing;
    },
  };
}
