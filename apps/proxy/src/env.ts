// The only reader of process.env: validates the WEFT_* variables (zod) into a typed SidecarConfig, and
// hands NODE_OPTIONS to the V8 settings (core/gc-tuning.ts).
// Errors name the variable and say what is expected. Empty values count as unset.
import { hostname } from "node:os";
import { join } from "node:path";
import * as z from "zod/mini";
import { DNS_LABEL, NAME_EMPTY, NAME_MAX_LENGTH, NAME_RULE, NAME_TOO_LONG, PROTOCOLS, type Protocol } from "@weft/contracts";
import pkg from "../package.json" with { type: "json" };
import type { OtlpEndpoint } from "./tracing/span-export";

export interface SidecarConfig {
  service: string;
  namespace: string;
  version: string;
  protocol: Protocol;
  labels: Record<string, string>;
  /** The local application the inbound listener forwards to. */
  app: { address: string; port: number };
  /** The port other services address this service by. */
  servicePort: number;
  /** 0 = any free port (tests); the bound port is what the controller is told. */
  inbound: { address: string; port: number };
  /** Always bound on 127.0.0.1. */
  outbound: { port: number };
  adminPort: number;
  /** gRPC `host:port` of the controller (xDS and telemetry). */
  controller: string;
  nodeId: string;
  logLevel: "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";
  /** Ask the controller to register this instance as an endpoint of its service. */
  register: boolean;
  reportIntervalMs: number;
  proxyVersion: string;
  /** Join token for the mesh CA (`weft_jt_…`); undefined = no workload identity (no mTLS). Secret: never logged. */
  joinToken: string | undefined;
  /** gRPC `host:port` of the CA (the controller by default). */
  caAddress: string;
  /** Where the last good config and the workload certificate are kept. */
  stateDir: string;
  tracing: {
    /** Share of new traces (no sampling decision from the caller) that are sampled, 0..1. */
    sampling: number;
    /** OTLP destinations of sampled spans: the controller first, then WEFT_OTLP_ENDPOINTS. */
    endpoints: OtlpEndpoint[];
  };
  accessLog: {
    /** "off", "stdout" or a file path. */
    target: string;
    /** Share of successful requests logged, 0..1; failures are always logged. */
    sampling: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid sidecar configuration:\n  ${issues.join("\n  ")}`);
    this.name = "ConfigError";
  }
}

// zod's tree-shakable API (zod/mini): the sidecar loads no other zod, and the classic API with the
// contracts' schemas would be ~2 MB of every sidecar's heap (docs/benchmarks.md, RSS).
const portMessage = (min: number) => `must be a port number (${min}-65535)`;
const portOf = (text: z.ZodMiniString<string>, min: number) =>
  z.pipe(
    z.pipe(text.check(z.regex(/^\d+$/, portMessage(min))), z.transform(Number)),
    z.number().check(z.gte(min, portMessage(min)), z.lte(65535, portMessage(min))),
  );
const port = (min: number) => portOf(z.string(), min);
const text = () => z.string().check(z.minLength(1));
const bool = z.pipe(z.enum(["true", "false", "1", "0"], { error: 'must be "true" or "false"' }), z.transform((v) => v === "true" || v === "1"));
const name = (params?: { error: string }) =>
  z.string(params).check(z.minLength(1, NAME_EMPTY), z.maxLength(NAME_MAX_LENGTH, NAME_TOO_LONG), z.regex(DNS_LABEL, NAME_RULE));

const ratio = (defaultValue: number) =>
  z._default(
    z.pipe(z.string().check(z.regex(/^(?:0|1|0?\.\d+|1\.0*)$/, "must be a ratio between 0 and 1, e.g. 0.01 (1 = everything, 0 = nothing)")), z.transform(Number)),
    defaultValue,
  );

const OTLP_ENDPOINT_HELP = "grpc://host:port (OTLP/gRPC), grpcs://host:port (OTLP/gRPC over TLS) or an OTLP/HTTP URL such as http://jaeger:4318/v1/traces";

/** `WEFT_OTLP_ENDPOINTS`: comma-separated; each entry checked, the bad one named. */
const otlpEndpoints = z.optional(
  z.pipe(
    z.string(),
    z.transform((value, ctx): OtlpEndpoint[] => {
      const out: OtlpEndpoint[] = [];
      for (const raw of value.split(",")) {
        const entry = raw.trim();
        if (entry === "") continue;
        let url: URL | undefined;
        try {
          url = new URL(entry);
        } catch {
          url = undefined;
        }
        const grpc = url?.protocol === "grpc:" || url?.protocol === "grpcs:";
        if (url === undefined || url.hostname === "" || (grpc && (url.port === "" || (url.pathname !== "" && url.pathname !== "/"))) || (!grpc && url.protocol !== "http:" && url.protocol !== "https:")) {
          ctx.issues.push({ code: "custom", message: `"${entry}" is not an OTLP endpoint; use ${OTLP_ENDPOINT_HELP}`, input: value });
          return z.NEVER;
        }
        out.push(grpc ? { protocol: "grpc", url: `${url.protocol === "grpcs:" ? "https" : "http"}://${url.host}` } : { protocol: "http", url: entry });
      }
      return out;
    }),
  ),
);

const hostPort = (example: string) => z.string().check(z.regex(/^[^\s:]+:\d+$|^\[[0-9a-fA-F:]+\]:\d+$/, `must be host:port, e.g. ${example}`));

/** Every value is checked with empty strings removed first: an empty variable counts as unset. */
const EnvSchema = z.object({
  WEFT_SERVICE: name({ error: "is required (the service this sidecar fronts, e.g. reviews)" }),
  WEFT_NAMESPACE: z._default(name(), "default"),
  WEFT_VERSION: z._default(name(), "v1"),
  WEFT_PROTOCOL: z._default(z.enum(PROTOCOLS, { error: `must be one of ${PROTOCOLS.join(", ")}` }), "http"),
  WEFT_APP_ADDRESS: z._default(text(), "127.0.0.1"),
  WEFT_APP_PORT: portOf(z.string({ error: "is required (the port your application listens on)" }), 1),
  WEFT_SERVICE_PORT: z.optional(port(1)),
  WEFT_INBOUND_ADDRESS: z._default(text(), "127.0.0.1"),
  WEFT_INBOUND_PORT: z._default(port(0), 15006),
  WEFT_OUTBOUND_PORT: z._default(port(0), 15001),
  WEFT_ADMIN_PORT: z._default(port(0), 15000),
  WEFT_CONTROLLER: z._default(hostPort("127.0.0.1:18000"), "127.0.0.1:18000"),
  WEFT_CA_ADDRESS: z.optional(hostPort("127.0.0.1:18000")),
  WEFT_JOIN_TOKEN: z.optional(z.string().check(z.regex(/^weft_jt_[A-Za-z0-9_-]+$/, "must be a join token (weft_jt_…) created with the controller's workloadTokens API"))),
  WEFT_STATE_DIR: z.optional(text()),
  WEFT_NODE_ID: z.optional(text()),
  WEFT_LOG_LEVEL: z._default(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"], { error: "must be one of fatal, error, warn, info, debug, trace, silent" }),
    "info",
  ),
  WEFT_REGISTER: z._default(bool, true),
  WEFT_REPORT_INTERVAL_MS: z._default(
    z.pipe(z.pipe(z.string().check(z.regex(/^\d+$/, "must be a whole number of milliseconds")), z.transform(Number)), z.number().check(z.gte(100, "must be at least 100 ms"))),
    1000,
  ),
  WEFT_TRACE_SAMPLING: ratio(0.01),
  WEFT_OTLP_ENDPOINTS: otlpEndpoints,
  WEFT_ACCESS_LOG: z._default(z.string(), "off"),
  WEFT_ACCESS_LOG_SAMPLING: ratio(1),
});

/** NODE_OPTIONS as the process was started with: V8 flags there win over the sidecar's own (core/gc-tuning.ts). */
export function nodeOptions(env: Record<string, string | undefined> = process.env): string | undefined {
  return env.NODE_OPTIONS;
}

export function loadConfig(env: Record<string, string | undefined> = process.env): SidecarConfig {
  const parsed = EnvSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== "")));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((i) => `${String(i.path[0] ?? "?")}: ${i.message}`));
  }
  const e = parsed.data;
  const service = e.WEFT_SERVICE;
  const appPort = e.WEFT_APP_PORT;
  return {
    service,
    namespace: e.WEFT_NAMESPACE,
    version: e.WEFT_VERSION,
    protocol: e.WEFT_PROTOCOL,
    labels: {},
    app: { address: e.WEFT_APP_ADDRESS, port: appPort },
    servicePort: e.WEFT_SERVICE_PORT ?? appPort,
    inbound: { address: e.WEFT_INBOUND_ADDRESS, port: e.WEFT_INBOUND_PORT },
    outbound: { port: e.WEFT_OUTBOUND_PORT },
    adminPort: e.WEFT_ADMIN_PORT,
    controller: e.WEFT_CONTROLLER,
    nodeId: e.WEFT_NODE_ID ?? `${service}-${e.WEFT_VERSION}-${hostname()}-${process.pid}`,
    logLevel: e.WEFT_LOG_LEVEL,
    register: e.WEFT_REGISTER,
    reportIntervalMs: e.WEFT_REPORT_INTERVAL_MS,
    proxyVersion: pkg.version,
    joinToken: e.WEFT_JOIN_TOKEN,
    caAddress: e.WEFT_CA_ADDRESS ?? e.WEFT_CONTROLLER,
    // Stable across restarts (the default node id is not: it has the pid), so a restart finds its state.
    stateDir: e.WEFT_STATE_DIR ?? join(".weft-sidecar", (e.WEFT_NODE_ID ?? `${service}.${e.WEFT_NAMESPACE}-${e.WEFT_VERSION}`).replace(/[^A-Za-z0-9._-]/g, "_")),
    tracing: {
      sampling: e.WEFT_TRACE_SAMPLING,
      // The controller receives OTLP/gRPC on its xDS port (plaintext, like xDS).
      endpoints: [{ protocol: "grpc", url: `http://${e.WEFT_CONTROLLER}` }, ...(e.WEFT_OTLP_ENDPOINTS ?? [])],
    },
    accessLog: { target: e.WEFT_ACCESS_LOG, sampling: e.WEFT_ACCESS_LOG_SAMPLING },
  };
}
