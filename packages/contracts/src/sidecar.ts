// What a Weft sidecar tells the controller about itself when it opens its ADS stream: carried in
// the xDS Node (`node.id`, `node.cluster` = service name, `node.metadata.weft` = this object).
// A Node without `metadata.weft` is treated as a generic xDS client (Envoy, proxyless gRPC).
import { z } from "zod";
import { LabelsSchema, NameSchema, NamespaceSchema, PortSchema, ProtocolSchema } from "./names";

export const SidecarMetadataSchema = z.object({
  service: NameSchema,
  namespace: NamespaceSchema.default("default"),
  version: NameSchema,
  labels: LabelsSchema.default({}),
  protocol: ProtocolSchema.default("http"),
  /** The port other services address this service by (its logical port). */
  servicePort: PortSchema,
  /** Where peers reach this instance: the sidecar's inbound listener. */
  inbound: z.object({ address: z.string().min(1), port: PortSchema }),
  /** Where the local app sends outbound calls (as its HTTP proxy, or with a Host header). */
  outbound: z.object({ address: z.string().min(1), port: PortSchema }),
  /** The local application the inbound listener forwards to. */
  app: z.object({ address: z.string().min(1), port: PortSchema }),
  adminPort: PortSchema,
  /** Whether the controller should register this instance as an endpoint of `service`. */
  register: z.boolean().default(true),
  proxyVersion: z.string().default("dev"),
});
export type SidecarMetadata = z.infer<typeof SidecarMetadataSchema>;

/** Listener / route / cluster names the controller generates for sidecars (docs/xds.md). */
export const SidecarResourceNames = {
  inboundListener: "weft.inbound",
  outboundListener: "weft.outbound",
  inboundRoute: "weft.inbound",
  outboundRoute: "weft.outbound",
  /** STATIC cluster pointing at the local application. */
  localAppCluster: "weft.inbound|local",
} as const;

/**
 * Outbound listener of a TCP service on every sidecar: `weft.outbound.tcp|<service>.<namespace>`,
 * bound at 127.0.0.1:<service port> ("a local port per upstream").
 */
export function tcpOutboundListenerName(service: string, namespace: string): string {
  return `weft.outbound.tcp|${service}.${namespace}`;
}

/** Cluster name of one version of a service ("reviews.default|v2"), or the whole service ("reviews.default"). */
export function clusterName(service: string, namespace: string, version?: string): string {
  return version ? `${service}.${namespace}|${version}` : `${service}.${namespace}`;
}

export function parseClusterName(name: string): { service: string; namespace: string; version?: string } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)(?:\|([a-z0-9-]+))?$/.exec(name);
  if (!m) return undefined;
  return { service: m[1]!, namespace: m[2]!, ...(m[3] ? { version: m[3] } : {}) };
}

/** HTTP headers a sidecar adds or reads on the data path (docs/proxy.md). */
export const SidecarHeaders = {
  /** Caller identity `<service>.<namespace>|<version>`, set by the caller's outbound sidecar and
   *  stripped by the callee's inbound sidecar (pre-mTLS: trusted because only sidecars set it). */
  source: "x-weft-source",
  /** Error code of a reply the sidecar generated itself (e.g. WEFT_NO_HEALTHY_ENDPOINT). */
  error: "x-weft-error",
} as const;

export interface WorkloadIdentity {
  service: string;
  namespace: string;
  version: string;
}

/** `reviews.default|v2` — the value of the x-weft-source header. */
export function formatSourceIdentity(id: WorkloadIdentity): string {
  return `${id.service}.${id.namespace}|${id.version}`;
}

/** Parses an x-weft-source value; undefined when it is not `<service>.<namespace>|<version>`. */
export function parseSourceIdentity(value: string): WorkloadIdentity | undefined {
  const parsed = parseClusterName(value);
  if (!parsed?.version) return undefined;
  return { service: parsed.service, namespace: parsed.namespace, version: parsed.version };
}
