// Assembles the controller from typed config: storage -> services -> servers. main.ts and the
// integration tests both start it through here.
import type { Server as HttpServer } from "node:http";
import type { AddressInfo } from "node:net";
import { Server as GrpcServer, ServerCredentials } from "@grpc/grpc-js";
import { createDb, type Db } from "@weft/db";
import { loadProtos } from "@weft/contracts/proto";
import { DEFAULT_CA_CONFIG, type ControllerConfig, type TelemetryEnvConfig } from "./env";
import { createLogger, type Logger } from "./log";
import { systemClock, type Clock } from "./ports/clock";
import { createAuthService } from "./services/auth-service";
import { createCertificateAuthority, type CertificateAuthority } from "./services/ca/certificate-authority";
import { createChangeFeed } from "./services/change-feed";
import { createConfigDistributor, type ConfigDistributor } from "./services/config-distributor";
import { createMeshService } from "./services/mesh-service";
import { createProxyRegistry } from "./services/proxy-registry";
import type { Services } from "./services/services";
import { createSidecarRegistry, type SidecarRegistry } from "./services/sidecar-registry";
import { createTelemetryService, type TelemetryConfig } from "./services/telemetry-service";
import { limitsFromBudget } from "./services/telemetry/limits";
import { DEFAULT_TRACE_LIMITS } from "./services/telemetry/traces";
import { createWorkloadTokenService } from "./services/workload-tokens";
import { createPrismaAuthRepository } from "./storage/prisma/auth-repository";
import { createPrismaCaStore } from "./storage/prisma/ca-store";
import { createPrismaMeshRepository } from "./storage/prisma/mesh-repository";
import { createPrismaTelemetryRepository } from "./storage/prisma/telemetry-repository";
import { createPrismaWorkloadTokenRepository } from "./storage/prisma/workload-token-repository";
import { createCertificateImplementation } from "./transport/ca/certificate-server";
import { createApiServer } from "./transport/http/api-server";
import { createControllerMetrics } from "./transport/metrics/controller-metrics";
import { createTraceImplementation, TraceServiceDefinition } from "./transport/otlp/trace-server";
import { createTelemetryImplementation } from "./transport/telemetry/report-server";
import { createAdsImplementation } from "./transport/xds/ads-server";
import { createResourceBuilder } from "./transport/xds/node-resources";

export interface Controller {
  apiUrl: string;
  xdsAddress: string;
  services: Services;
  distributor: ConfigDistributor;
  sidecars: SidecarRegistry;
  db: Db;
  /** The admin password generated on first start (only then, and only when none was configured). */
  generatedAdminPassword?: string;
  close(): Promise<void>;
}

function telemetryConfigOf(t: TelemetryEnvConfig | undefined): Partial<TelemetryConfig> {
  if (!t) return {};
  return {
    backend: t.backend,
    ...(t.prometheus ? { prometheus: t.prometheus } : {}),
    replica: t.replica,
    limits: limitsFromBudget(t.memoryMb, t.maxSeries),
    flushIntervalMs: t.flushIntervalMs,
    traces: { ...DEFAULT_TRACE_LIMITS, maxSpans: t.traces.maxSpans, maxBytes: t.traces.maxBytes },
  };
}

async function checkMigrated(db: Db) {
  try {
    await db.service.count();
    await db.telemetryMinute.findFirst({ select: { bucket: true } });
  } catch (err) {
    const message = String((err as Error).message ?? err);
    if (/no such table|does not exist/i.test(message)) {
      throw new Error("the database has no Weft tables yet: run `npm run db:deploy` (with the same DATABASE_URL) first");
    }
    throw err;
  }
}

export async function startController(config: ControllerConfig, opts: { clock?: Clock; log?: Logger } = {}): Promise<Controller> {
  const clock = opts.clock ?? systemClock;
  const log = opts.log ?? createLogger(config.logLevel);
  const db = createDb(config.databaseUrl);
  await checkMigrated(db);

  const meshRepo = createPrismaMeshRepository(db);
  const feed = createChangeFeed();
  const mesh = createMeshService(meshRepo, feed);
  const auth = createAuthService(createPrismaAuthRepository(db), clock, { sessionTtlMs: config.sessions.ttlMs });
  const proxies = createProxyRegistry(clock);
  const distributor = createConfigDistributor({ repo: meshRepo, feed, clock, log: log.child({ component: "distributor" }) });
  const sidecars = createSidecarRegistry({ repo: meshRepo, feed, clock, log: log.child({ component: "sidecars" }), graceMs: config.endpointGraceMs });
  const telemetry = createTelemetryService({
    clock,
    snapshot: () => distributor.current(),
    onReport: (nodeId) => proxies.reported(nodeId),
    config: telemetryConfigOf(config.telemetry),
    repository: createPrismaTelemetryRepository(db),
    log: log.child({ component: "telemetry" }),
  });
  const metrics = createControllerMetrics({ proxies, telemetry });
  const caConfig = config.ca ?? DEFAULT_CA_CONFIG;
  const tokens = createWorkloadTokenService(createPrismaWorkloadTokenRepository(db), clock, log.child({ component: "ca" }));
  let ca: CertificateAuthority;
  try {
    ca = await createCertificateAuthority({ store: createPrismaCaStore(db), tokens, clock, log: log.child({ component: "ca" }), config: caConfig });
  } catch (err) {
    // Nothing else is running yet: release the database and report why the CA is unusable.
    await db.$disconnect();
    throw err;
  }
  const services: Services = { mesh, auth, proxies, telemetry, tokens, ca };

  const boot = await auth.bootstrap(config.bootstrap);
  if (boot.created) log.info({ username: config.bootstrap.username }, "created the admin user");
  await distributor.start();
  sidecars.start();
  try {
    await telemetry.start();
  } catch (err) {
    distributor.stop();
    sidecars.stop();
    await db.$disconnect();
    throw new Error(`could not restore the stored telemetry: ${(err as Error).message}`);
  }

  const protos = loadProtos();
  const grpc = new GrpcServer({ "grpc.keepalive_time_ms": 30_000, "grpc.keepalive_timeout_ms": 10_000 });
  grpc.addService(
    protos.services.ads,
    createAdsImplementation({
      builder: createResourceBuilder(protos, { trustDomain: caConfig.trustDomain }),
      distributor,
      proxies,
      sidecars,
      log: log.child({ component: "xds" }),
      metrics: metrics.xds,
      clock,
    }),
  );
  grpc.addService(
    protos.services.telemetry,
    createTelemetryImplementation({ ingest: (report) => telemetry.ingest(report), metrics: metrics.reports, log: log.child({ component: "telemetry" }) }),
  );
  grpc.addService(TraceServiceDefinition, createTraceImplementation({ addSpans: (spans) => telemetry.addSpans(spans), metrics: metrics.otlp, log: log.child({ component: "otlp" }) }));
  grpc.addService(protos.services.ca, createCertificateImplementation({ ca, log: log.child({ component: "ca" }) }));
  const xdsPort = await new Promise<number>((resolve, reject) =>
    grpc.bindAsync(`${config.xds.host}:${config.xds.port}`, ServerCredentials.createInsecure(), (err, port) => (err ? reject(err) : resolve(port))),
  );

  const api: HttpServer = createApiServer({
    services,
    cookieSecure: config.sessions.cookieSecure,
    ...(config.api.publicUrl ? { publicUrl: config.api.publicUrl } : {}),
    checkHealth: async () => void (await db.$queryRawUnsafe("SELECT 1")),
    metrics: { contentType: metrics.contentType, render: metrics.render, public: config.metricsPublic ?? false },
    log: log.child({ component: "api" }),
  });
  api.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    api.once("error", reject);
    api.listen(config.api.port, config.api.host, () => resolve());
  });
  const apiPort = (api.address() as AddressInfo).port;
  const apiUrl = `http://${config.api.host.includes(":") ? `[${config.api.host}]` : config.api.host}:${apiPort}`;
  const xdsAddress = `${config.xds.host}:${xdsPort}`;
  log.info({ api: apiUrl, xds: xdsAddress }, "controller listening");

  let closed: Promise<void> | undefined;
  return {
    apiUrl,
    xdsAddress,
    services,
    distributor,
    sidecars,
    db,
    ...(boot.generatedPassword ? { generatedAdminPassword: boot.generatedPassword } : {}),
    close: () =>
      (closed ??= (async () => {
        distributor.stop();
        sidecars.stop();
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => {
            grpc.forceShutdown();
            resolve();
          }, 2000);
          grpc.tryShutdown(() => {
            clearTimeout(force);
            resolve();
          });
        });
        api.closeAllConnections();
        await new Promise<void>((resolve) => api.close(() => resolve()));
        // No report can arrive any more: write what the telemetry store has not persisted yet.
        await telemetry.stop();
        // Closed streams mark their endpoints unhealthy: let that (and any sweep or poll) finish
        // before the database client goes, or a half-begun write would hold it open.
        await sidecars.settled();
        await distributor.settled();
        await db.$disconnect();
      })()),
  };
}
