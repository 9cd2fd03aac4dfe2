// Opaque TCP proxying (tcp_proxy): a downstream connection — the app on an outbound TCP listener,
// or a peer sidecar on an inbound TCP chain after mTLS — is spliced to an endpoint of the chain's
// cluster (mTLS to peer sidecars per transport_socket_matches). Half-closes pass through; when
// either side is gone for good the other is closed. One `tcp` event per connection with its byte
// counts, for telemetry.
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { ErrorCode } from "@weft/contracts";
import type { Logger } from "pino";
import type { Clock } from "../core/clock";
import type { ProxyEvents, TcpConnectionRecord } from "../core/events";
import type { ConfigSource, Direction } from "../core/runtime-config";
import type { FilterChain } from "../core/transport-config";
import { upstreamTlsFor } from "../core/transport-config";
import type { PeerIdentity } from "../tls/peer";
import { openUpstreamSocket, type UpstreamSocket } from "../upstream/connect";
import type { UpstreamPools } from "../upstream/pools";

export interface TcpProxyOptions {
  direction: Direction;
  config: ConfigSource;
  pools: UpstreamPools;
  events: ProxyEvents;
  logger: Logger;
  clock: Clock;
}

export type TcpProxy = (downstream: Duplex, chain: FilterChain, peer: PeerIdentity | undefined, listener: string) => void;

function noop(): void {}

export function createTcpProxy(options: TcpProxyOptions): TcpProxy {
  const { direction, config, pools, events, logger, clock } = options;

  return function proxyTcp(downstream, chain, peer, listener) {
    const started = performance.now();
    const record: TcpConnectionRecord = {
      direction,
      listener,
      cluster: chain.tcpCluster,
      endpoint: "",
      peer: peer?.spiffeId,
      bytesFromDownstream: 0,
      bytesToDownstream: 0,
      durationMs: 0,
      errorCode: undefined,
    };
    let emitted = false;
    const emit = () => {
      if (emitted) return;
      emitted = true;
      record.durationMs = performance.now() - started;
      events.emit("tcp", record);
    };
    downstream.on("error", noop);
    const fail = (code: ErrorCode, message: string) => {
      // Failed before an endpoint was chosen: it still counts as opened (and closed) once.
      if (record.endpoint === "") events.emit("tcpOpen", record);
      record.errorCode = code;
      logger.debug({ listener, cluster: chain.tcpCluster, code, message }, "TCP connection not proxied");
      downstream.destroy();
      emit();
    };

    const snapshot = config.current;
    const cluster = snapshot.clusters.get(chain.tcpCluster);
    if (cluster === undefined) return fail(ErrorCode.ClusterNotFound, `cluster "${chain.tcpCluster}" has not been received from the controller`);
    const endpoint = cluster.balancer.pick(clock.now());
    if (endpoint === undefined) return fail(ErrorCode.NoHealthyEndpoint, `cluster "${chain.tcpCluster}" has no healthy endpoint`);
    record.endpoint = endpoint.key;
    events.emit("tcpOpen", record);
    const transport = cluster.config.transport;
    const tls = transport.matches.length === 0 ? transport.tls : upstreamTlsFor(transport, snapshot.endpointLabels?.get(endpoint.key));
    let upstream: UpstreamSocket;
    try {
      upstream = openUpstreamSocket({ endpoint, tls, material: tls ? pools.tls() : undefined, alpn: [], connectTimeoutMs: cluster.config.connectTimeoutMs, allowHalfOpen: true });
    } catch (err) {
      return fail(ErrorCode.UpstreamConnectFailed, (err as Error).message);
    }
    let connected = false;
    upstream.once(tls ? "secureConnect" : "connect", () => (connected = true));
    upstream.on("error", (err: Error) => {
      if (record.errorCode === undefined) record.errorCode = connected ? ErrorCode.UpstreamReset : ErrorCode.UpstreamConnectFailed;
      logger.debug({ listener, endpoint: endpoint.key, err: err.message }, "TCP upstream failed");
      // Cut off mid-stream (a reset, a broken pipe): the client sees a reset, so a stream cut
      // short never looks complete.
      const socket = downstream as Partial<Socket>;
      if (connected && typeof socket.resetAndDestroy === "function") socket.resetAndDestroy();
      else downstream.destroy();
    });
    downstream.on("data", (chunk: Buffer) => (record.bytesFromDownstream += chunk.length));
    upstream.on("data", (chunk: Buffer) => (record.bytesToDownstream += chunk.length));
    downstream.pipe(upstream);
    upstream.pipe(downstream);
    let open = 2;
    const closed = () => {
      if (--open === 0) emit();
    };
    // The client is gone: nobody to deliver to. The upstream is gone: flush what it sent, then close.
    downstream.once("close", () => {
      upstream.destroy();
      closed();
    });
    upstream.once("close", () => {
      downstream.end(() => downstream.destroy());
      closed();
    });
  };
}
