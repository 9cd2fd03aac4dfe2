// The identity a peer proved with its certificate: the SPIFFE ID in its URI SAN, checked against
// our trust domain and, when the config says so, against SAN matchers (exact/prefix/suffix/contains).
// Computed once per connection, never per request.
import type { PeerCertificate, TLSSocket } from "node:tls";
import type { WorkloadIdentity } from "@weft/contracts";
import type { SanMatcher } from "../core/transport-config";
import { parseSpiffeId, uriSans } from "../identity/spiffe";

export interface PeerIdentity {
  readonly spiffeId: string;
  readonly service: string;
  readonly namespace: string;
  /** As a telemetry identity (version unknown from the certificate: ""). */
  readonly identity: WorkloadIdentity;
}

export function sanMatches(value: string, matchers: readonly SanMatcher[]): boolean {
  if (matchers.length === 0) return true;
  for (const m of matchers) {
    if (m.kind === "exact" ? value === m.value : m.kind === "prefix" ? value.startsWith(m.value) : m.kind === "suffix" ? value.endsWith(m.value) : value.includes(m.value)) {
      return true;
    }
  }
  return false;
}

/**
 * The mesh identity of a certificate that already passed chain verification, or a reason it is not
 * acceptable (no or several SPIFFE IDs, another trust domain, no SAN matcher matched).
 */
export function peerIdentityOf(cert: PeerCertificate | undefined, trustDomain: string, matchers: readonly SanMatcher[]): PeerIdentity | string {
  if (cert === undefined || Object.keys(cert).length === 0) return "no certificate";
  const uris = uriSans(cert.subjectaltname);
  const ids = uris.map(parseSpiffeId).filter((s) => s !== undefined);
  if (ids.length !== 1) return `certificate has ${ids.length} mesh SPIFFE IDs (URI SANs: ${uris.join(", ") || "none"})`;
  const id = ids[0]!;
  if (id.trustDomain !== trustDomain) return `${id.uri} is from trust domain "${id.trustDomain}", not "${trustDomain}"`;
  if (!sanMatches(id.uri, matchers)) return `${id.uri} does not match the expected ${matchers.map((m) => `${m.kind} "${m.value}"`).join(" or ")}`;
  return { spiffeId: id.uri, service: id.service, namespace: id.namespace, identity: Object.freeze({ service: id.service, namespace: id.namespace, version: "" }) };
}

/** For a socket whose handshake completed: the verified peer, or why there is none. */
export function verifiedPeer(socket: TLSSocket, trustDomain: string, matchers: readonly SanMatcher[]): PeerIdentity | string {
  if (!socket.authorized) return `certificate not verified (${String(socket.authorizationError ?? "no certificate")})`;
  return peerIdentityOf(socket.getPeerCertificate(), trustDomain, matchers);
}
