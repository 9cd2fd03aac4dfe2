// Names and header formats of the sidecar's wire (xDS resource names, data-path headers, caller
// identities). Free of zod, like every contracts module the sidecar loads at run time: the sidecar
// bundle never builds the API's schemas (docs/benchmarks.md, RSS).

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
