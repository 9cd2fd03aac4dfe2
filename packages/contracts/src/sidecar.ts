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
