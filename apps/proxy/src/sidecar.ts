// Assembles one sidecar: binds the outbound, inbound and admin listeners (ports from config, 0 =
// any), then tells the controller the bound ports (node metadata) and starts xDS and telemetry.
// The listeners serve from the first moment (WEFT_NO_CONFIG until the controller answers).
import type { Server } from "node:http";
import { pino, type Logger } from "pino";
import type { SidecarMetadata } from "@weft/contracts";
import { loadProtos } from "@weft/contracts/proto";
import type { SidecarConfig } from "./env";
import { createBackoff, type BackoffOptions } from "./core/backoff";
import { systemClock, type Clock } from "./core/clock";
import { createProxyEvents, type ProxyEvents } from "./core/events";
import { EMPTY_SNAPSHOT, type ConfigSnapshot, type WorkloadIdentity } from "./core/runtime-config";
import { EXTERNAL, UNKNOWN } from "./core/request-context";
import { closeServer, listen } from "./core/http-server";
import { createUpstreamPools } from "./upstream/pools";
import { createOutboundHandler } from "./outbound/stack";
import { createOutboundServer } from "./outbound/listener";
import { createInboundHandler } from "./inbound/stack";
import { createInboundServer } from "./inbound/listener";
import { createConfigStore } from "./discovery/config-store";
import { endpointKeys } from "./discovery/snapshot-builder";
import { createAdsClient } from "./discovery/ads-client";
import { buildNode } from "./discovery/node";
import { createEdgeStats } from "./telemetry/edge-stats";
import { createMetrics } from "./telemetry/prometheus";
import { createReportStream } from "./telemetry/report-stream";
import { createAdminServer } from "./admin/admin-server";
import { readiness } from "./admin/readiness";
import { configDump } from "./admin/config-dump";

export interface SidecarOptions {
  /** Timers for reconnect backoff and telemetry intervals (tests: createFakeClock()). */
  clock?: Clock;
  /** Uniform [0, 1): weighted splits, round-robin start, backoff jitter. */
  random?: () => number;
  logger?: Logger;
  /** Reconnect backoff for the xDS and telemetry streams (defaults: 500 ms doubling to 30 s). */
  backoff?: Omit<BackoffOptions, "random">;
  /** Node process metrics (CPU, memory, event loop) on /metrics; main.ts turns them on. */
  processMetrics?: boolean;
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
  /** Stops accepting, drains in-flight requests for up to drainMs (default 0), closes streams, timers and pools. */
  close(options?: { drainMs?: number }): Promise<void>;
}

export const OUTBOUND_ADDRESS = "127.0.0.1";
const ADMIN_ADDRESS = "127.0.0.1";

export async function createSidecar(config: SidecarConfig, options: SidecarOptions = {}): Promise<Sidecar> {
  const logger = options.logger ?? pino({ level: config.logLevel, base: { node: config.nodeId } });
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const events = createProxyEvents();
  const self: WorkloadIdentity = { service: config.service, namespace: config.namespace, version: config.version };
  const pools = createUpstreamPools();
  const stats = createEdgeStats();
  events.on("request", stats.record);
  const metrics = createMetrics({ stats, events, processMetrics: options.processMetrics ?? false });

  // The one reference the listeners read per request; discovery replaces it with a complete snapshot.
  const holder: { current: ConfigSnapshot } = { current: EMPTY_SNAPSHOT };

  const outbound = createOutboundServer({
    handler: createOutboundHandler({ self, pools, random }),
    config: holder,
    events,
    initialSource: self,
    initialDestination: UNKNOWN,
    logger,
  });
  const inbound = createInboundServer({
    handler: createInboundHandler({ pools, random }),
    config: holder,
    events,
    initialSource: EXTERNAL,
    initialDestination: self,
    logger,
  });
  // Late-bound: the admin server exists before xDS, whose status it reports.
  let adminHandlers: Parameters<typeof createAdminServer>[0] | undefined;
  const admin = createAdminServer({
    ready: () => adminHandlers!.ready(),
    configDump: () => adminHandlers!.configDump(),
    metrics: () => metrics.render(),
    metricsContentType: metrics.contentType,
  });

  const servers: Server[] = [];
  const bind = async (server: Server, port: number, host: string, what: string) => {
    const bound = await listen(server, port, host, what);
    servers.push(server);
    return bound;
  };
  let ports: Sidecar["ports"];
  try {
    ports = {
      outbound: await bind(outbound, config.outbound.port, OUTBOUND_ADDRESS, "outbound listener (WEFT_OUTBOUND_PORT)"),
      inbound: await bind(inbound, config.inbound.port, config.inbound.address, "inbound listener (WEFT_INBOUND_ADDRESS/WEFT_INBOUND_PORT)"),
      admin: await bind(admin, config.adminPort, ADMIN_ADDRESS, "admin server (WEFT_ADMIN_PORT)"),
    };
  } catch (err) {
    await Promise.all(servers.map((s) => closeServer(s, 0)));
    await pools.close();
    metrics.close();
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

  const store = createConfigStore({ bound: { inbound: metadata.inbound, outbound: metadata.outbound }, random });
  store.onSwap((snapshot) => {
    holder.current = snapshot;
    pools.retain(endpointKeys(snapshot));
  });
  const protos = loadProtos();
  const ads = createAdsClient({
    address: config.controller,
    node: buildNode(config.nodeId, metadata),
    protos,
    store,
    clock,
    backoff: createBackoff({ ...options.backoff, random }),
    events,
    logger,
    listenerNames: ["weft.inbound", "weft.outbound"],
  });
  const reporter = createReportStream({
    address: config.controller,
    protos,
    clock,
    backoff: createBackoff({ ...options.backoff, random }),
    events,
    logger,
    stats,
    intervalMs: config.reportIntervalMs,
    nodeId: config.nodeId,
    identity: self,
  });
  adminHandlers = {
    ready: () => readiness(holder.current, config.controller),
    configDump: () => ({ ...configDump({ nodeId: config.nodeId, metadata, xds: ads.status(), snapshot: holder.current }), telemetry: { reportsAcked: reporter.acked } }),
    metrics: () => metrics.render(),
    metricsContentType: metrics.contentType,
  };

  logger.info({ ports, app: config.app, controller: config.controller }, "sidecar listening");
  ads.start();
  reporter.start();

  let closing: Promise<void> | undefined;
  return {
    ports,
    nodeId: config.nodeId,
    metadata,
    config: () => holder.current,
    events,
    close(closeOptions = {}) {
      closing ??= (async () => {
        const drainMs = closeOptions.drainMs ?? 0;
        // Stop accepting and drain first, with config and pools still live for in-flight requests.
        await Promise.all(servers.map((s) => closeServer(s, drainMs)));
        ads.close();
        reporter.close();
        await pools.close();
        metrics.close();
        logger.info("sidecar stopped");
      })();
      return closing;
    },
  };
}
