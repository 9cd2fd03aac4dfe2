// What a listener learnt about a downstream connection before HTTP started (TLS or not, the peer's
// verified mesh identity), attached to the socket so every request on it can read it without a lookup.
import type { PeerIdentity } from "../tls/peer";

export interface ConnectionInfo {
  readonly tls: boolean;
  readonly peer: PeerIdentity | undefined;
}

export const kConnectionInfo = Symbol("weft.connectionInfo");

export type WithConnectionInfo = { [kConnectionInfo]?: ConnectionInfo };

export const PLAINTEXT_CONNECTION: ConnectionInfo = Object.freeze({ tls: false, peer: undefined });

export function connectionInfoOf(socket: object | null | undefined): ConnectionInfo | undefined {
  return (socket as WithConnectionInfo | null | undefined)?.[kConnectionInfo];
}
