// What a Weft sidecar tells the controller about itself when it opens its ADS stream: carried in
// the xDS Node (`node.id`, `node.cluster` = service name, `node.metadata.weft` = this object).
// A Node without `metadata.weft` is treated as a generic xDS client (Envoy, proxyless gRPC).
import { z } from "zod";
import { LabelsSchema, NameSchema, NamespaceSchema, PortSchema } from "./names";
import { ProtocolSchema } from "./mesh";

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

/** Cluster name of one version of a service ("reviews.default|v2"), or the whole service ("reviews.default"). */
export function clusterName(service: string, namespace: string, version?: string): string {
  return version ? `${service}.${namespace}|${version}` : `${service}.${namespace}`;
}

export function parseClusterName(name: string): { service: string; namespace: string; version?: string } | undefined {
  const m = /^([a-z0-9-]+)\.([a-z0-9-]+)(?:\|([a-z0-9-]+))?$/.exec(name);
  if (!m) return undefined;
  return { service: m[1]!, namespace: m[2]!, ...(m[3] ? { version: m[3] } : {}) };
}
