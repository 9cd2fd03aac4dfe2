// Opens one connection to an endpoint: plain TCP, or TLS with the sidecar's identity (the current
// TLS material), the mesh trust bundle and the cluster's SAN matchers on the server's SPIFFE ID.
// Enforces the cluster's connect_timeout (TCP + TLS handshake) and marks every error raised before
// the connection is usable as a connect failure. Shared by HTTP/1.1, HTTP/2, upgrades and TCP.
import { connect as netConnect, type Socket } from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { codedError } from "../core/errors";
import type { Endpoint } from "../core/runtime-config";
import type { UpstreamTls } from "../core/transport-config";
import type { TlsMaterial } from "../tls/material";
import { peerIdentityOf } from "../tls/peer";

export interface UpstreamConnectOptions {
  endpoint: Endpoint;
  /** undefined = plaintext. */
  tls: UpstreamTls | undefined;
  material: TlsMaterial | undefined;
  /** ALPN to offer on TLS (ignored for plaintext). */
  alpn: readonly string[];
  connectTimeoutMs: number;
  /**
   * Plaintext only: bytes read are handed to this callback in SHARED_READ_BUFFER (valid only during
   * the call) instead of 'data' events with a fresh buffer each; the socket is then marked with
   * kSharedReads. Ignored for TLS.
   */
  onRead?: (bytes: Buffer) => void;
  /** Keep writing after the server ended its side (opaque TCP passes half-closes through). */
  allowHalfOpen?: boolean;
}

/**
 * One read buffer for every plaintext upstream connection that asks for it (node:net `onread`). A
 * socket read otherwise allocates a new 64 KiB backing store and an ArrayBuffer the young-generation
 * collector has to sweep: one per response on a keep-alive connection. Reads are delivered
 * synchronously, one at a time, so one buffer serves all; a reader keeps no view of it (the HTTP/1.1
 * pool's parser copies body bytes out, test/h1-shared-reads.test.ts).
 */
export const SHARED_READ_BUFFER = Buffer.allocUnsafe(64 * 1024);
/** Set on a socket whose reads go to its onRead callback (SHARED_READ_BUFFER), not to 'data'. */
export const kSharedReads = Symbol("weft.sharedReads");

/** ALPN offered for an HTTP/1.1 connection over TLS. */
export const HTTP1_ALPN = ["http/1.1"] as const;

/** Set on errors raised while connecting (refused, timed out, TLS handshake or peer identity). */
export const kConnectPhase = Symbol("weft.connectPhase");
/** On a TLS socket: the SPIFFE ID the server proved. */
export const kUpstreamPeer = Symbol("weft.upstreamPeer");

export type UpstreamSocket = (Socket | TLSSocket) & { [kUpstreamPeer]?: string; [kSharedReads]?: true };

export function isConnectError(err: unknown): boolean {
  return (err as { [kConnectPhase]?: boolean } | null)?.[kConnectPhase] === true;
}

function connectError(message: string, code: string): Error {
  return Object.assign(codedError(message, code), { [kConnectPhase]: true });
}

export function noCertificateError(endpoint: Endpoint): Error {
  return connectError(`no workload certificate yet for mTLS to ${endpoint.key} (waiting for the CA)`, "WEFT_NO_CERTIFICATE");
}

export function hostOf(address: string): string {
  return address.includes(":") && !address.startsWith("[") ? `[${address}]` : address;
}

/**
 * A connecting socket (synchronously, so HTTP/2 can wrap it). Throws when TLS is required but the
 * sidecar has no certificate yet.
 */
export function openUpstreamSocket(o: UpstreamConnectOptions): UpstreamSocket {
  const { endpoint } = o;
  let socket: UpstreamSocket;
  if (o.tls === undefined) {
    const onRead = o.onRead;
    socket = netConnect({
      host: endpoint.address,
      port: endpoint.port,
      allowHalfOpen: o.allowHalfOpen === true,
      ...(onRead === undefined
        ? {}
        : {
            onread: {
              buffer: SHARED_READ_BUFFER,
              callback: (n: number, buf: Uint8Array) => {
                onRead((buf as Buffer).subarray(0, n));
                return true; // keep reading (a reader that needs backpressure pauses the socket itself)
              },
            },
          }),
    });
    if (onRead !== undefined) socket[kSharedReads] = true;
  } else {
    const material = o.material;
    if (material === undefined) throw noCertificateError(endpoint);
    const san = o.tls.san;
    const tlsSocket: UpstreamSocket = tlsConnect({
      host: endpoint.address,
      port: endpoint.port,
      // node:tls passes it to the socket; @types/node leaves it out of ConnectionOptions.
      ...({ allowHalfOpen: o.allowHalfOpen === true } as object),
      secureContext: material.context,
      ...(o.tls.sni ? { servername: o.tls.sni } : {}),
      ...(o.alpn.length > 0 ? { ALPNProtocols: [...o.alpn] } : {}),
      // Chain verification is node:tls's (against the trust bundle); identity is the SPIFFE ID, not a hostname.
      checkServerIdentity: (_host, cert) => {
        const peer = peerIdentityOf(cert, material.trustDomain, san);
        if (typeof peer === "string") return connectError(`endpoint ${endpoint.key} is not the expected workload: ${peer}`, "WEFT_UPSTREAM_IDENTITY");
        tlsSocket[kUpstreamPeer] = peer.spiffeId;
        return undefined;
      },
    });
    socket = tlsSocket;
  }
  socket.setNoDelay(true);
  const ready = o.tls === undefined ? "connect" : "secureConnect";
  const onTimeout = () => socket.destroy(connectError(`no connection to ${endpoint.key} within ${o.connectTimeoutMs} ms (connect_timeout)`, "ETIMEDOUT"));
  const onEarlyError = (err: Error) => {
    (err as Error & { [kConnectPhase]?: boolean })[kConnectPhase] = true;
  };
  // Prepended so the flag is set before anyone else sees the error.
  socket.prependListener("error", onEarlyError);
  socket.setTimeout(o.connectTimeoutMs, onTimeout);
  socket.once(ready, () => {
    socket.setTimeout(0);
    socket.off("timeout", onTimeout);
    socket.off("error", onEarlyError);
  });
  return socket;
}
