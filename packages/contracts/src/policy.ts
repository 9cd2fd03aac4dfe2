// Traffic policy as the API accepts it: per route (timeouts, retries, header rewriting, rate limit,
// fault injection, mirroring) and per service (load balancing, circuit breaking, retry budget,
// outlier detection, health checks, mTLS mode). Only what the user sets is stored; the defaults
// below are applied when the data-plane config is built (docs/concepts.md lists them).
// Rules that need the rest of the mesh (a mirror to a version that exists, HTTP-only policy on a
// TCP service) live in the controller's domain.
import { z } from "zod";
import { NameSchema } from "./names";

const ms = (min: number, max: number) =>
  z
    .number({ error: "must be a number of milliseconds" })
    .int("must be a whole number of milliseconds")
    .min(min, `must be at least ${min} ms`)
    .max(max, `must be at most ${max} ms`);
const count = (min: number, max: number) =>
  z.number({ error: "must be a number" }).int("must be a whole number").min(min, `must be at least ${min}`).max(max, `must be at most ${max}`);
/** A share of requests, 0–100; fractions allowed down to 0.0001 %. */
const percent = z.number({ error: "must be a number" }).min(0, "must be between 0 and 100").max(100, "must be between 0 and 100");

const TOKEN = /^[a-z0-9!#$%&'*+.^_`|~-]+$/;
/** Why a header name cannot be set or removed by a policy, or undefined when it can. */
function mutableHeaderProblem(name: string): string | undefined {
  if (name.startsWith(":")) return "pseudo-headers like \":path\" cannot be changed";
  if (!TOKEN.test(name)) return "header names are lower case HTTP tokens (e.g. \"x-team\")";
  if (name === "host") return "Host cannot be changed by a header policy";
  return undefined;
}
/** Header names a policy may set or remove: lower case, no pseudo-headers, not Host. */
const MutableHeaderName = z
  .string()
  .min(1, "must not be empty")
  .max(128)
  .superRefine((n, ctx) => {
    const problem = mutableHeaderProblem(n);
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  });
/** name -> value; the names are checked with a message naming the header (zod's key errors say only "Invalid key"). */
const HeaderValues = z.record(z.string(), z.string().max(4096, "values must be at most 4096 characters")).superRefine((rec, ctx) => {
  const names = Object.keys(rec);
  if (names.length > 32) ctx.addIssue({ code: "custom", message: "at most 32 headers" });
  for (const n of names) {
    const problem = mutableHeaderProblem(n);
    if (problem) ctx.addIssue({ code: "custom", path: [n], message: problem });
  }
});

// ---- route policy ---------------------------------------------------------------------------

/** Retry conditions (Envoy `retry_on` values). The gRPC ones look at the `grpc-status` of the reply. */
export const RETRY_ON = [
  "5xx",
  "gateway-error",
  "connect-failure",
  "reset",
  "retriable-status-codes",
  "cancelled",
  "deadline-exceeded",
  "resource-exhausted",
  "unavailable",
  "internal",
] as const;
export const RetryOnSchema = z.enum(RETRY_ON, { error: `must be one of ${RETRY_ON.join(", ")}` });

/** Methods retried unless a route allows non-idempotent retries (RFC 9110 idempotent methods Weft retries). */
export const IDEMPOTENT_METHODS = ["GET", "HEAD", "OPTIONS", "PUT", "DELETE"] as const;

export const RetryPolicySchema = z
  .strictObject({
    /** Retries after the first attempt. */
    attempts: count(1, 10).default(2),
    /** Deadline of each attempt; absent = only the route timeout applies. */
    perTryTimeoutMs: ms(1, 3_600_000).optional(),
    retryOn: z
      .array(RetryOnSchema)
      .min(1, "name at least one retry condition")
      .refine((l) => new Set(l).size === l.length, "list each condition once")
      .default(["connect-failure", "reset", "gateway-error"]),
    /** HTTP statuses that are retried too (implies `retriable-status-codes`). */
    statusCodes: z
      .array(count(100, 599))
      .max(16, "at most 16 status codes")
      .refine((l) => new Set(l).size === l.length, "list each status once")
      .default([]),
    /** Exponential backoff with full jitter between attempts. */
    backoff: z
      .strictObject({ baseMs: ms(1, 60_000).default(25), maxMs: ms(1, 300_000).default(250) })
      .refine((b) => b.maxMs >= b.baseMs, { message: "maxMs must be at least baseMs", path: ["maxMs"] })
      .default({ baseMs: 25, maxMs: 250 }),
    /** Also retry POST, PATCH, ... (only safe when the service deduplicates). */
    allowNonIdempotent: z.boolean().default(false),
  });
export type RetryPolicy = z.infer<typeof RetryPolicySchema>;

export const HeaderMutationSchema = z.strictObject({
  /** Replace the header (add it when absent). */
  set: HeaderValues.optional(),
  /** Append a value (keeping existing ones). */
  add: HeaderValues.optional(),
  remove: z.array(MutableHeaderName).max(32, "at most 32 headers").optional(),
});
export type HeaderMutation = z.infer<typeof HeaderMutationSchema>;

/** A header that triggers a fault: exact value, or mere presence when `value` is absent. */
export const FaultTriggerSchema = z.strictObject({
  name: z.string().min(1).max(128).toLowerCase().regex(/^:?[a-z0-9!#$%&'*+.^_`|~-]+$/, "must be a valid HTTP header name"),
  value: z.string().min(1).max(1024).optional(),
});
export type FaultTrigger = z.infer<typeof FaultTriggerSchema>;

export const FaultPolicySchema = z
  .strictObject({
    delay: z.strictObject({ fixedMs: ms(1, 3_600_000), percent, whenHeader: FaultTriggerSchema.optional() }).optional(),
    abort: z
      .strictObject({
        status: count(200, 599),
        percent,
        whenHeader: FaultTriggerSchema.optional(),
      })
      .optional(),
  })
  .superRefine((f, ctx) => {
    if (!f.delay && !f.abort) ctx.addIssue({ code: "custom", path: [], message: "give a delay, an abort, or both" });
    // Envoy's HTTPFault has one header condition for the whole fault: delay and abort must agree.
    if (f.delay && f.abort && JSON.stringify(f.delay.whenHeader ?? null) !== JSON.stringify(f.abort.whenHeader ?? null)) {
      ctx.addIssue({
        code: "custom",
        path: ["abort", "whenHeader"],
        message: "delay and abort of one route share their trigger: give both the same whenHeader (or neither)",
      });
    }
  });
export type FaultPolicy = z.infer<typeof FaultPolicySchema>;

export const RoutePolicySchema = z.strictObject({
  /** Whole-request deadline; 0 = none. Absent = 15 s (Envoy's default). */
  timeoutMs: ms(0, 3_600_000).optional(),
  retries: RetryPolicySchema.optional(),
  headers: z.strictObject({ request: HeaderMutationSchema.optional(), response: HeaderMutationSchema.optional() }).optional(),
  /** Replaces the matched path prefix before forwarding. */
  rewrite: z.strictObject({ pathPrefix: z.string().startsWith("/", "a path prefix starts with '/'").max(1024) }).optional(),
  /** Token bucket per calling sidecar: `requestsPerSecond` refill, `burst` capacity (default = requestsPerSecond). */
  rateLimit: z.strictObject({ requestsPerSecond: count(1, 1_000_000), burst: count(1, 10_000_000).optional() }).optional(),
  fault: FaultPolicySchema.optional(),
  /** Copies a share of requests to another version of the service; replies are discarded. */
  mirror: z.strictObject({ version: NameSchema, percent: percent.default(100) }).optional(),
});
export type RoutePolicy = z.infer<typeof RoutePolicySchema>;

// ---- service policy -------------------------------------------------------------------------

export const LB_ALGORITHMS = ["peak-ewma", "least-request", "round-robin", "ring-hash"] as const;

export const HashOnSchema = z
  .strictObject({
    /** Hash a request header's value (e.g. "x-user"). */
    header: z.string().min(1).max(128).toLowerCase().regex(/^:?[a-z0-9!#$%&'*+.^_`|~-]+$/, "must be a valid HTTP header name").optional(),
    /** Hash a cookie; the sidecar sets it (with this TTL, 0 = session cookie) when the request has none. */
    cookie: z
      .strictObject({
        name: z.string().min(1).max(128).regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, "must be a valid cookie name"),
        ttlSeconds: count(0, 31_536_000).default(0),
      })
      .optional(),
  })
  .refine((h) => (h.header === undefined) !== (h.cookie === undefined), "give exactly one of header or cookie");

export const LoadBalancerSchema = z
  .strictObject({
    algorithm: z.enum(LB_ALGORITHMS, { error: `must be one of ${LB_ALGORITHMS.join(", ")}` }).default("peak-ewma"),
    hashOn: HashOnSchema.optional(),
  })
  .superRefine((lb, ctx) => {
    if (lb.algorithm === "ring-hash" && !lb.hashOn) {
      ctx.addIssue({ code: "custom", path: ["hashOn"], message: "ring-hash needs something to hash: give hashOn {header} or {cookie}" });
    }
    if (lb.algorithm !== "ring-hash" && lb.hashOn) {
      ctx.addIssue({ code: "custom", path: ["hashOn"], message: `hashOn only applies to the ring-hash algorithm (this service uses ${lb.algorithm})` });
    }
  });

export const CircuitBreakerSchema = z.strictObject({
  maxConnections: count(1, 1_000_000).optional(),
  maxPendingRequests: count(1, 1_000_000).optional(),
  maxRequests: count(1, 1_000_000).optional(),
  /** Concurrent retries; only with `retryBudget: null` (Envoy ignores it while a retry budget is set). */
  maxRetries: count(0, 1_000_000).optional(),
});

export const RetryBudgetSchema = z.strictObject({
  /** Retries may add at most this share of the requests of the last 10 s. */
  percent: percent.default(20),
  /** ...plus this many retries per second, so low-traffic services can still retry. */
  minRetriesPerSecond: count(0, 10_000).default(10),
});

export const OutlierDetectionSchema = z.strictObject({
  consecutive5xx: count(1, 1000).default(5),
  consecutiveGatewayErrors: count(1, 1000).optional(),
  intervalMs: ms(100, 3_600_000).default(10_000),
  /** First ejection lasts this long; each further ejection of the same endpoint lasts longer. */
  baseEjectionMs: ms(100, 3_600_000).default(30_000),
  maxEjectionPercent: count(0, 100).default(10),
});

export const HealthCheckSchema = z
  .strictObject({
    path: z.string().startsWith("/", "a path starts with '/'").max(1024),
    intervalMs: ms(100, 3_600_000).default(10_000),
    timeoutMs: ms(10, 3_600_000).default(1_000),
    healthyThreshold: count(1, 100).default(2),
    unhealthyThreshold: count(1, 100).default(3),
  })
  .refine((h) => h.timeoutMs <= h.intervalMs, { message: "timeoutMs must not exceed intervalMs", path: ["timeoutMs"] });

export const MTLS_MODES = ["strict", "permissive"] as const;

export const ServicePolicySchema = z
  .strictObject({
    loadBalancer: LoadBalancerSchema.optional(),
    connectTimeoutMs: ms(1, 60_000).optional(),
    circuitBreaker: CircuitBreakerSchema.optional(),
    /** On by default (20 %, 10/s); `null` turns it off. */
    retryBudget: RetryBudgetSchema.nullable().optional(),
    outlierDetection: OutlierDetectionSchema.optional(),
    healthCheck: HealthCheckSchema.optional(),
    /** How this service's sidecars accept inbound connections: mTLS only (strict) or mTLS and plaintext. */
    mtls: z.strictObject({ mode: z.enum(MTLS_MODES, { error: "must be strict or permissive" }).default("strict") }).optional(),
  })
  .superRefine((p, ctx) => {
    if (p.circuitBreaker?.maxRetries !== undefined && p.retryBudget !== null) {
      ctx.addIssue({
        code: "custom",
        path: ["circuitBreaker", "maxRetries"],
        message: "with a retry budget (on by default) Envoy ignores max_retries: set retryBudget to null to cap retries with maxRetries instead",
      });
    }
  });
export type ServicePolicy = z.infer<typeof ServicePolicySchema>;

/** Defaults applied when a field is absent (docs/concepts.md). */
export const POLICY_DEFAULTS = {
  /** Route timeout when `timeoutMs` is absent. */
  routeTimeoutMs: 15_000,
  connectTimeoutMs: 1_000,
  loadBalancer: "peak-ewma",
  /** Decay of the peak-EWMA latency estimate. */
  peakEwmaDecayMs: 10_000,
  /** P2C: endpoints compared per pick. */
  choiceCount: 2,
  retryBudget: { percent: 20, minRetriesPerSecond: 10 },
  mtlsMode: "strict",
} as const;
