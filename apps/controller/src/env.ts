// The controller's only reader of process.env: validated once at start, returned as typed config.
import { z } from "zod";

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
}

export function readEnv(env: NodeJS.ProcessEnv = process.env): ControllerConfig {
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
  };
}
