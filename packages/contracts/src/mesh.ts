// The mesh model as the API sees it: inputs (zod, validated at the controller's edge) and outputs.
// Cross-resource rules (a split naming an unknown version) live in the controller's domain.
import { z } from "zod";
import { IdSchema, LabelsSchema, NameSchema, NamespaceSchema, PortSchema } from "./names";

export const ProtocolSchema = z.enum(["http", "grpc", "tcp"], { error: "must be one of http, grpc, tcp" });
export type Protocol = z.infer<typeof ProtocolSchema>;

export const EndpointHealthSchema = z.enum(["healthy", "unhealthy", "draining"], {
  error: "must be one of healthy, unhealthy, draining",
});
export type EndpointHealth = z.infer<typeof EndpointHealthSchema>;

// ---- route matching -------------------------------------------------------------------------

export const PathMatchSchema = z.discriminatedUnion(
  "type",
  [
    z.object({ type: z.literal("prefix"), value: z.string().startsWith("/", "a path prefix starts with '/'").max(1024) }),
    z.object({ type: z.literal("exact"), value: z.string().startsWith("/", "a path starts with '/'").max(1024) }),
  ],
  { error: "path.type must be \"prefix\" or \"exact\"" },
);
export type PathMatch = z.infer<typeof PathMatchSchema>;

const HEADER_NAME = /^:?[a-z0-9!#$%&'*+.^_`|~-]+$/;
export const HeaderMatchSchema = z
  .object({
    name: z.string().min(1).max(128).toLowerCase().regex(HEADER_NAME, "must be a valid HTTP header name"),
    type: z.enum(["exact", "prefix", "present"], { error: "must be one of exact, prefix, present" }),
    value: z.string().max(1024).optional(),
    /** Match when the header does NOT satisfy the condition. */
    invert: z.boolean().default(false),
  })
  .superRefine((h, ctx) => {
    if (h.type !== "present" && (h.value === undefined || h.value === "")) {
      ctx.addIssue({ code: "custom", path: ["value"], message: `a value is required for a ${h.type} match` });
    }
  });
export type HeaderMatch = z.infer<typeof HeaderMatchSchema>;

export const RouteMatchSchema = z.object({
  path: PathMatchSchema.default({ type: "prefix", value: "/" }),
  headers: z.array(HeaderMatchSchema).max(16, "at most 16 header matches").default([]),
});
export type RouteMatch = z.infer<typeof RouteMatchSchema>;

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
});
export type Route = z.infer<typeof RouteSchema>;

export const ServiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  namespace: z.string(),
  protocol: ProtocolSchema,
  port: z.number().int(),
  description: z.string(),
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
});
export const ServiceUpdateInput = z.object({
  id: IdSchema,
  protocol: ProtocolSchema.optional(),
  port: PortSchema.optional(),
  description: z.string().max(500).optional(),
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
});
export const RouteUpdateInput = z.object({
  id: IdSchema,
  name: NameSchema.optional(),
  priority: z.number().int().min(0).max(10_000).optional(),
  match: RouteMatchSchema.optional(),
  backends: BackendsSchema.optional(),
});
/** Set the weighted split of a service: on `routeId`, or on its catch-all route (created if absent). */
export const SplitSetInput = z.object({
  serviceId: IdSchema,
  routeId: IdSchema.optional(),
  backends: BackendsSchema,
});

export type ServiceCreateInput = z.input<typeof ServiceCreateInput>;
export type RouteCreateInput = z.input<typeof RouteCreateInput>;
