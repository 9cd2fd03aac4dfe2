// The controller's only reader of process.env: validated once at start, returned as typed config.
import { hostname } from "node:os";
import { z } from "zod";
import { DEFAULT_TRUST_DOMAIN, TrustDomainSchema } from "@weft/contracts";
import { maxSeriesFor } from "./services/telemetry/limits";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"], { error: "must be true or false" })
  .transform((v) => v === "true" || v === "1" || v === "yes");
const port = z.coerce.number().int().min(0).max(65535);

const EnvSchema = z.object({
  DATABASE_URL: z.string().min(1).default("file:./data/weft.db"),
  WEFT_API_HOST: z.string().default("127.0.0.1"),
  WEFT_API_PORT: port.default(7070),
  WEFT_XDS_HOST: z.string().default("127.0.0.1"),
  WEFT_XDS_PORT: port.default(18000),
  /** Public URL of the API (used in the OpenAPI document's server list). */
  WEFT_PUBLIC_URL: z.string().url().optional(),
  WEFT_ADMIN_USERNAME: z.string().min(1).default("admin"),
  /** First-start admin password. Unset: one is generated and printed once. */
  WEFT_ADMIN_PASSWORD: z.string().min(8, "must be at least 8 characters").optional(),
  /** First-start API token for automation (stored hashed). Must start with "weft_". */
  WEFT_ADMIN_TOKEN: z.string().regex(/^weft_[A-Za-z0-9_-]{20,}$/, "must look like weft_<at least 20 url-safe characters>").optional(),
  WEFT_SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  WEFT_COOKIE_SECURE: bool.default(false),
  /** How long an endpoint registered by a sidecar stays (unhealthy) after its sidecar disconnects. */
  WEFT_ENDPOINT_GRACE_SECONDS: z.coerce.number().int().min(0).default(60),
  WEFT_LOG_LEVEL: z.enum(["trace", "debug", "info", "warn", "error", "fatal", "silent"]).default("info"),
  /** SPIFFE trust domain of workload identities: spiffe://<domain>/ns/<namespace>/sa/<service>. */
  WEFT_TRUST_DOMAIN: TrustDomainSchema.default(DEFAULT_TRUST_DOMAIN),
  /** Lifetime (and maximum) of workload certificates. */
  WEFT_CERT_TTL_HOURS: z.coerce.number().positive("must be positive").max(8760, "must be at most 8760 (one year)").default(24),
  /** Operator-supplied CA: PEM certificate (optionally followed by its chain up to the root) and private key. */
  WEFT_CA_CERT_FILE: z.string().min(1).optional(),
  WEFT_CA_KEY_FILE: z.string().min(1).optional(),
  /** 32-byte key (base64 or hex) that encrypts the generated CA key in the database (AES-256-GCM). */
  WEFT_CA_KEY_ENCRYPTION_KEY: z
    .string()
    .regex(/^([0-9a-fA-F]{64}|[A-Za-z0-9+/_-]{43}=?)$/, "must be 32 random bytes as 64 hex characters or base64 (e.g. `openssl rand -base64 32`)")
    .transform((v) => (v.length === 64 ? Buffer.from(v, "hex") : Buffer.from(v, "base64")))
    .optional(),
  /** Where graphs and series come from: the built-in store, or PromQL over the sidecars' /metrics. */
  WEFT_TELEMETRY_BACKEND: z.enum(["builtin", "prometheus"], { error: "must be builtin or prometheus" }).default("builtin"),
  WEFT_PROMETHEUS_URL: z.string().url("must be a URL such as http://127.0.0.1:9090").optional(),
  /** How often that Prometheus scrapes the sidecars: rates are taken over at least 4 scrapes. */
  WEFT_PROMETHEUS_SCRAPE_INTERVAL_SECONDS: z.coerce.number().positive("must be positive").default(15),
  /** Memory budget of the built-in store (both tiers); the record caps follow from it. */
  WEFT_TELEMETRY_MEMORY_MB: z.coerce.number().int().min(8, "must be at least 8").max(65_536).default(128),
  WEFT_TELEMETRY_MAX_SERIES: z.coerce.number().int().min(10, "must be at least 10").max(1_000_000).default(2_500),
  /** How often the built-in store writes behind to the database. */
  WEFT_TELEMETRY_FLUSH_SECONDS: z.coerce.number().int().min(1, "must be at least 1").max(60, "must be at most 60").default(5),
  WEFT_TRACE_MAX_SPANS: z.coerce.number().int().min(100, "must be at least 100").default(100_000),
  WEFT_TRACE_MAX_MB: z.coerce.number().int().min(1, "must be at least 1").default(64),
  /** Serve /metrics without a bearer token (e.g. on a private network). */
  WEFT_METRICS_PUBLIC: bool.default(false),
  /** Names this controller's persisted telemetry; give each replica sharing a database its own. */
  WEFT_REPLICA_ID: z.string().min(1).max(128).default(hostname()),
}).superRefine((e, ctx) => {
  if (e.WEFT_TELEMETRY_MAX_SERIES > maxSeriesFor(e.WEFT_TELEMETRY_MEMORY_MB)) {
    ctx.addIssue({
      code: "custom",
      path: ["WEFT_TELEMETRY_MAX_SERIES"],
      message: `is more than WEFT_TELEMETRY_MEMORY_MB=${e.WEFT_TELEMETRY_MEMORY_MB} can roll up (at most ${maxSeriesFor(e.WEFT_TELEMETRY_MEMORY_MB)}); raise the memory or lower the series`,
    });
  }
  if (e.WEFT_TELEMETRY_BACKEND === "prometheus" && !e.WEFT_PROMETHEUS_URL) {
    ctx.addIssue({ code: "custom", path: ["WEFT_PROMETHEUS_URL"], message: "is required when WEFT_TELEMETRY_BACKEND=prometheus (e.g. http://127.0.0.1:9090)" });
  }
  if ((e.WEFT_CA_CERT_FILE === undefined) !== (e.WEFT_CA_KEY_FILE === undefined)) {
    const missing = e.WEFT_CA_CERT_FILE === undefined ? "WEFT_CA_CERT_FILE" : "WEFT_CA_KEY_FILE";
    ctx.addIssue({ code: "custom", path: [missing], message: "set both WEFT_CA_CERT_FILE and WEFT_CA_KEY_FILE to use your own CA (or neither)" });
  }
});

export type ControllerEnv = z.infer<typeof EnvSchema>;

export interface ControllerConfig {
  databaseUrl: string;
  api: { host: string; port: number; publicUrl?: string };
  xds: { host: string; port: number };
  bootstrap: { username: string; password?: string; token?: string };
  sessions: { ttlMs: number; cookieSecure: boolean };
  endpointGraceMs: number;
  logLevel: ControllerEnv["WEFT_LOG_LEVEL"];
  /** Mesh CA and workload identity; defaults: trust domain weft.local, 24 h certificates, generated CA. */
  ca?: CaConfig;
  /** Telemetry store and backend; defaults: built-in, 128 MB, 5000 series (see docs/telemetry.md). */
  telemetry?: TelemetryEnvConfig;
  /** /metrics without authentication. Default false. */
  metricsPublic?: boolean;
}

export interface TelemetryEnvConfig {
  backend: "builtin" | "prometheus";
  prometheus?: { url: string; scrapeIntervalSeconds: number };
  replica: string;
  memoryMb: number;
  maxSeries: number;
  flushIntervalMs: number;
  traces: { maxSpans: number; maxBytes: number };
}

export interface CaConfig {
  trustDomain: string;
  certTtlMs: number;
  /** Files of an operator-supplied CA (instead of the generated one kept in the database). */
  operator?: { certFile: string; keyFile: string };
  /** Encrypts the generated CA's private key at rest. Never logged. */
  keyEncryptionKey?: Buffer;
}

export const DEFAULT_CA_CONFIG: CaConfig = { trustDomain: DEFAULT_TRUST_DOMAIN, certTtlMs: 24 * 3_600_000 };

export function readEnv(env: Record<string, string | undefined> = process.env): ControllerConfig {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`invalid controller environment:\n${lines.join("\n")}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    api: { host: e.WEFT_API_HOST, port: e.WEFT_API_PORT, ...(e.WEFT_PUBLIC_URL ? { publicUrl: e.WEFT_PUBLIC_URL } : {}) },
    xds: { host: e.WEFT_XDS_HOST, port: e.WEFT_XDS_PORT },
    bootstrap: {
      username: e.WEFT_ADMIN_USERNAME,
      ...(e.WEFT_ADMIN_PASSWORD ? { password: e.WEFT_ADMIN_PASSWORD } : {}),
      ...(e.WEFT_ADMIN_TOKEN ? { token: e.WEFT_ADMIN_TOKEN } : {}),
    },
    sessions: { ttlMs: e.WEFT_SESSION_TTL_HOURS * 3_600_000, cookieSecure: e.WEFT_COOKIE_SECURE },
    endpointGraceMs: e.WEFT_ENDPOINT_GRACE_SECONDS * 1000,
    logLevel: e.WEFT_LOG_LEVEL,
    ca: {
      trustDomain: e.WEFT_TRUST_DOMAIN,
      certTtlMs: e.WEFT_CERT_TTL_HOURS * 3_600_000,
      ...(e.WEFT_CA_CERT_FILE && e.WEFT_CA_KEY_FILE ? { operator: { certFile: e.WEFT_CA_CERT_FILE, keyFile: e.WEFT_CA_KEY_FILE } } : {}),
      ...(e.WEFT_CA_KEY_ENCRYPTION_KEY ? { keyEncryptionKey: e.WEFT_CA_KEY_ENCRYPTION_KEY } : {}),
    },
    telemetry: {
      backend: e.WEFT_TELEMETRY_BACKEND,
      ...(e.WEFT_PROMETHEUS_URL ? { prometheus: { url: e.WEFT_PROMETHEUS_URL, scrapeIntervalSeconds: e.WEFT_PROMETHEUS_SCRAPE_INTERVAL_SECONDS } } : {}),
      replica: e.WEFT_REPLICA_ID,
      memoryMb: e.WEFT_TELEMETRY_MEMORY_MB,
      maxSeries: e.WEFT_TELEMETRY_MAX_SERIES,
      flushIntervalMs: e.WEFT_TELEMETRY_FLUSH_SECONDS * 1000,
      traces: { maxSpans: e.WEFT_TRACE_MAX_SPANS, maxBytes: e.WEFT_TRACE_MAX_MB * 1024 * 1024 },
    },
    metricsPublic: e.WEFT_METRICS_PUBLIC,
  };
}
