// The mesh model as the API sees it: inputs (zod, validated at the controller's edge) and outputs.
// Cross-resource rules (a split naming an unknown version) live in the controller's domain.
import { z } from "zod";
import { IdSchema, LabelsSchema, NameSchema, NamespaceSchema, PortSchema, ProtocolSchema } from "./names";
import { RoutePolicySchema, ServicePolicySchema } from "./policy";

export const EndpointHealthSchema = z.enum(["healthy", "unhealthy", "draining"], {
  error: "must be one of healthy, unhealthy, draining",
});
export type EndpointHealth = z.infer<typeof EndpointHealthSchema>;

// ---- route matching -------------------------------------------------------------------------
// Regular expressions are RE2 (https://github.com/google/re2/wiki/Syntax) and must match the whole
// value (Envoy's safe_regex). The controller checks that they compile; the sidecar matches with RE2 too.

export const PathMatchSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("prefix"), value: z.string().startsWith("/", "a path prefix starts with '/'").max(1024) }),
    z.object({ type: z.literal("exact"), value: z.string().startsWith("/", "a path starts with '/'").max(1024) }),
    /** RE2, matched against the whole path (without the query string). */
    z.object({ type: z.literal("regex"), value: z.string().min(1, "a regular expression is required").max(1024) }),
  ],
  { error: "path.type must be \"prefix\", \"exact\" or \"regex\"" },
);
export type PathMatch = z.infer<typeof PathMatchSchema>;

const HEADER_NAME = /^:?[a-z0-9!#$%&'*+.^_`|~-]+$/;
export const HeaderNameSchema = z.string().min(1).max(128).toLowerCase().regex(HEADER_NAME, "must be a valid HTTP header name");

export const HEADER_MATCH_TYPES = ["exact", "prefix", "suffix", "contains", "regex", "present", "absent"] as const;
export const HeaderMatchSchema = z
  .object({
    name: HeaderNameSchema,
    type: z.enum(HEADER_MATCH_TYPES, { error: `must be one of ${HEADER_MATCH_TYPES.join(", ")}` }),
    value: z.string().max(1024).optional(),
    /** Match when the header does NOT satisfy the condition. */
    invert: z.boolean().default(false),
  })
  .superRefine((h, ctx) => {
    if (h.type !== "present" && h.type !== "absent" && (h.value === undefined || h.value === "")) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `a value is required for a ${h.type} match` });
    }
  });
export type HeaderMatch = z.infer<typeof HeaderMatchSchema>;

export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"] as const;
export const HttpMethodSchema = z.enum(HTTP_METHODS, { error: `must be one of ${HTTP_METHODS.join(", ")} (upper case)` });

/** Host the request is addressed to (`:authority` / `Host`, port included when the caller sent one). */
export const AuthorityMatchSchema = z.object({
  type: z.enum(["exact", "prefix", "suffix", "regex"], { error: "must be one of exact, prefix, suffix, regex" }),
  value: z.string().min(1, "a value is required").max(1024),
});
export type AuthorityMatch = z.infer<typeof AuthorityMatchSchema>;

export const QueryParamMatchSchema = z
  .object({
    name: z.string().min(1, "must not be empty").max(128),
    type: z.enum(["exact", "prefix", "regex", "present"], { error: "must be one of exact, prefix, regex, present" }),
    value: z.string().max(1024).optional(),
  })
  .superRefine((q, ctx) => {
    if (q.type !== "present" && (q.value === undefined || q.value === "")) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `a value is required for a ${q.type} match` });
    }
  });
export type QueryParamMatch = z.infer<typeof QueryParamMatchSchema>;

/** Every condition must hold. Optional parts are left out when unused (stored and returned that way). */
export const RouteMatchSchema = z.object({
  path: PathMatchSchema.default({ type: "prefix", value: "/" }),
  headers: z.array(HeaderMatchSchema).max(16, "at most 16 header matches").default([]),
  /** Any of these methods (empty or absent = any method). */
  methods: z
    .array(HttpMethodSchema)
    .max(HTTP_METHODS.length)
    .refine((m) => new Set(m).size === m.length, "list each method once")
    .optional(),
  authority: AuthorityMatchSchema.optional(),
  queryParams: z.array(QueryParamMatchSchema).max(16, "at most 16 query parameter matches").optional(),
});
export type RouteMatch = z.infer<typeof RouteMatchSchema>;

/** Whether a match has any condition besides its path (headers, methods, authority, query). */
export function hasMatchConditions(match: RouteMatch): boolean {
  return match.headers.length > 0 || (match.methods?.length ?? 0) > 0 || match.authority !== undefined || (match.queryParams?.length ?? 0) > 0;
}

/** A route that matches every request: prefix "/" and no other condition. The split editor edits the last one. */
export function isCatchAllMatch(match: RouteMatch): boolean {
  return match.path.type === "prefix" && match.path.value === "/" && !hasMatchConditions(match);
}

// ---- weighted split -------------------------------------------------------------------------

export const BackendSchema = z.object({
  version: NameSchema,
  weight: z
    .number({ error: "must be a number" })
    .int("must be a whole number")
    .min(0, "must not be negative")
    .max(100, "must be at most 100"),
});
export type Backend = z.infer<typeof BackendSchema>;

/**
 * A weighted split across versions. Empty means "no split": every healthy endpoint of the
 * service, whatever its version. Otherwise weights are percentages summing to exactly 100.
 */
export const BackendsSchema = z.array(BackendSchema).max(16, "at most 16 versions in a split").superRefine((list, ctx) => {
  if (list.length === 0) return;
  const seen = new Set<string>();
  list.forEach((b, i) => {
    if (seen.has(b.version)) {
      ctx.addIssue({ code: "custom", path: [i, "version"], message: `version "${b.version}" appears twice in the split` });
    }
    seen.add(b.version);
  });
  const sum = list.reduce((s, b) => s + b.weight, 0);
  if (sum !== 100) {
    ctx.addIssue({ code: "custom", path: [], message: `weights must sum to 100 (they sum to ${sum})` });
  }
});

// ---- resources (API outputs) ----------------------------------------------------------------

export const VersionSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  name: z.string(),
  labels: z.record(z.string(), z.string()),
  endpointCount: z.number().int(),
});
export type Version = z.infer<typeof VersionSchema>;

export const EndpointSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  version: z.string(),
  address: z.string(),
  port: z.number().int(),
  weight: z.number().int(),
  health: EndpointHealthSchema,
  source: z.enum(["api", "sidecar"]),
  proxyId: z.string().nullable(),
  lastSeenAt: z.string().nullable(),
});
export type Endpoint = z.infer<typeof EndpointSchema>;

export const RouteSchema = z.object({
  id: z.string(),
  serviceId: z.string(),
  name: z.string(),
  priority: z.number().int(),
  match: RouteMatchSchema,
  backends: z.array(BackendSchema),
  /** What the user set (defaults are not filled in). */
  policy: RoutePolicySchema,
});
export type Route = z.infer<typeof RouteSchema>;

export const ServiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  namespace: z.string(),
  protocol: ProtocolSchema,
  port: z.number().int(),
  description: z.string(),
  /** What the user set (defaults are not filled in). */
  policy: ServicePolicySchema,
  createdAt: z.string(),
  updatedAt: z.string(),
  versions: z.array(VersionSchema),
  endpoints: z.array(EndpointSchema),
  routes: z.array(RouteSchema),
});
export type Service = z.infer<typeof ServiceSchema>;

export const RevisionSchema = z.object({
  id: z.number().int(),
  createdAt: z.string(),
  actor: z.string(),
  action: z.string(),
  resourceKind: z.string(),
  resourceId: z.string(),
  resourceName: z.string(),
  summary: z.string(),
  before: z.unknown().nullable(),
  after: z.unknown().nullable(),
});
export type Revision = z.infer<typeof RevisionSchema>;

// ---- API inputs -----------------------------------------------------------------------------

export const ServiceCreateInput = z.object({
  name: NameSchema,
  namespace: NamespaceSchema.default("default"),
  protocol: ProtocolSchema.default("http"),
  port: PortSchema,
  description: z.string().max(500).default(""),
  policy: ServicePolicySchema.default({}),
});
export const ServiceUpdateInput = z.object({
  id: IdSchema,
  protocol: ProtocolSchema.optional(),
  port: PortSchema.optional(),
  description: z.string().max(500).optional(),
  /** Replaces the whole policy (send `{}` to go back to the defaults). */
  policy: ServicePolicySchema.optional(),
});
export const VersionCreateInput = z.object({
  serviceId: IdSchema,
  name: NameSchema,
  labels: LabelsSchema.default({}),
});
export const VersionUpdateInput = z.object({ id: IdSchema, labels: LabelsSchema });
export const EndpointCreateInput = z.object({
  serviceId: IdSchema,
  version: NameSchema,
  address: z.union([z.ipv4(), z.ipv6(), z.hostname()], { error: "must be an IP address or host name" }),
  port: PortSchema,
  weight: z.number().int().min(1, "must be at least 1").max(128, "must be at most 128").default(1),
  health: EndpointHealthSchema.default("healthy"),
});
export const EndpointUpdateInput = z.object({
  id: IdSchema,
  version: NameSchema.optional(),
  weight: z.number().int().min(1, "must be at least 1").max(128, "must be at most 128").optional(),
  health: EndpointHealthSchema.optional(),
});
export const RouteCreateInput = z.object({
  serviceId: IdSchema,
  name: NameSchema,
  /** Position among the service's routes (0 = first). Defaults to after the last route. */
  priority: z.number().int().min(0).max(10_000).optional(),
  match: RouteMatchSchema.default({ path: { type: "prefix", value: "/" }, headers: [] }),
  backends: BackendsSchema.default([]),
  policy: RoutePolicySchema.default({}),
});
export const RouteUpdateInput = z.object({
  id: IdSchema,
  name: NameSchema.optional(),
  priority: z.number().int().min(0).max(10_000).optional(),
  match: RouteMatchSchema.optional(),
  backends: BackendsSchema.optional(),
  /** Replaces the whole policy (send `{}` to clear it). */
  policy: RoutePolicySchema.optional(),
});
/** Set the weighted split of a service: on `routeId`, or on its catch-all route (created if absent). */
export const SplitSetInput = z.object({
  serviceId: IdSchema,
  routeId: IdSchema.optional(),
  backends: BackendsSchema,
});

export type ServiceCreateInput = z.input<typeof ServiceCreateInput>;
export type RouteCreateInput = z.input<typeof RouteCreateInput>;
