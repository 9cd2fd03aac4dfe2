// Status of data-plane clients connected to the controller's xDS server, as the API reports it.
import { z } from "zod";

export const XdsTypeStatusSchema = z.object({
  /** "CDS" | "EDS" | "LDS" | "RDS" */
  type: z.string(),
  /** Version last sent on this stream (null before the first response). */
  sentVersion: z.string().nullable(),
  /** Version the client last ACKed. */
  ackedVersion: z.string().nullable(),
  /** The client's last rejection of this type, if its newest response was rejected. */
  nack: z.object({ version: z.string(), reason: z.string(), at: z.string() }).nullable(),
});

export const ProxyStatusSchema = z.object({
  nodeId: z.string(),
  kind: z.enum(["sidecar", "xds-client"]),
  service: z.string(),
  namespace: z.string(),
  version: z.string(),
  userAgent: z.string(),
  peer: z.string(),
  connectedAt: z.string(),
  lastReportAt: z.string().nullable(),
  resources: z.array(XdsTypeStatusSchema),
  /** Every type ACKed at the version last sent, and no NACK outstanding. */
  upToDate: z.boolean(),
});
export type ProxyStatus = z.infer<typeof ProxyStatusSchema>;
