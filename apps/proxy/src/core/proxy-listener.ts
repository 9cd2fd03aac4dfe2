// One listening port of the sidecar and what each accepted connection becomes: the listener's
// filter chains (read per connection, so a config swap applies to new connections only) decide
// TLS or plaintext — by inspecting the first bytes when both are allowed (PERMISSIVE), refusing
// plaintext when only TLS is (STRICT) — then HTTP/1.1, HTTP/2 (ALPN "h2", or the h2c prior-knowledge
// preface) or an opaque TCP proxy. The peer's verified identity travels on the socket to every request.
import { createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket } from "node:net";
import type { Server as HttpServer } from "node:http";
import { createServer as createTlsServer, type Server as TlsServer, type TLSSocket } from "node:tls";
import type { Duplex } from "node:stream";
import type { Logger } from "pino";
import type { Clock } from "./clock";
import type { ProxyEvents } from "./events";
import type { Exchange } from "./exchange";
import type { Direction } from "./runtime-config";
import type { FilterChain, ListenerTransport } from "./transport-config";
import { createProxyServer, DOWNSTREAM_KEEPALIVE_MS, listen } from "./http-server";
import { createH1Server, type H1Server } from "../http1/server";
import { kConnectionInfo, PLAINTEXT_CONNECTION, type ConnectionInfo, type WithConnectionInfo } from "./connection-info";
import { classifyFirstBytes, type FirstBytes } from "../tls/inspector";
import { MIN_TLS_VERSION, type TlsMaterial } from "../tls/material";
import { verifiedPeer, type PeerIdentity } from "../tls/peer";
import { H2_SESSION_WINDOW, H2_STREAM_WINDOW } from "../upstream/h2-sessions";
import { ServerSession, type ServerSessionSocket } from "../http2/server-session";

export interface ProxyListenerOptions {
  /** The xDS listener name, for logs and events. */
  name: string;
  direction: Direction;
  exchange: Exchange;
  /** The listener's filter chains now. */
  transport(): ListenerTransport;
  /** The sidecar's TLS material now (undefined: no certificate yet). */
  tls(): TlsMaterial | undefined;
  /** Proxies a connection of a TCP filter chain (after TLS termination, if any). */
  tcp(socket: Duplex, chain: FilterChain, peer: PeerIdentity | undefined): void;
  /** Outbound: accept HTTP/1.1 CONNECT tunnels (the app's HTTP proxy) carrying HTTP/1.1 or h2c. */
  connectTunnels?: boolean;
  events: ProxyEvents;
  logger: Logger;
  clock: Clock;
}

export interface ProxyListener {
  listen(port: number, host: string, what: string): Promise<number>;
  /** Stops accepting; HTTP/1.1 connections get `Connection: close`, HTTP/2 sessions a GOAWAY; after `drainMs` the rest is cut. */
  close(drainMs: number): Promise<void>;
  /** Open downstream connections. */
  connections(): number;
}

/** How long a connection may stay silent while its first bytes decide TLS vs plaintext, ms (Envoy: 15 s). */
export const INSPECT_TIMEOUT_MS = 15_000;
/** TLS handshake deadline, ms. */
const HANDSHAKE_TIMEOUT_MS = 10_000;
/** Bytes that always suffice to classify a connection. */
const INSPECT_BYTES = 24;
/** Idle-connection sweep period while draining, ms. */
const DRAIN_SWEEP_MS = 100;

function noop(): void {}

export function createProxyListener(options: ProxyListenerOptions): ProxyListener {
  const { exchange, events, logger, clock, direction, name } = options;
  const sockets = new Set<Socket>();
  const sessions = new Set<ServerSession>();

  // HTTP/1.1 requests go through Weft's codec; a connection whose request asks for an Upgrade
  // (WebSocket) or is a CONNECT moves, from that request on, to a node:http server.
  const fast: H1Server = createH1Server({
    request: exchange.onH1,
    handOff(socket, bytes) {
      socket.unshift(bytes);
      h1.emit("connection", socket);
      if (socket.isPaused()) socket.resume();
    },
    clock,
    keepAliveTimeoutMs: DOWNSTREAM_KEEPALIVE_MS,
    headersTimeoutMs: DOWNSTREAM_KEEPALIVE_MS + 5_000,
  });
  const h1: HttpServer = createProxyServer(exchange.onRequest);
  h1.on("upgrade", exchange.onUpgrade);
  // That server never listens itself (connections are handed to it); Node starts its
  // connection tracking — idle sweeps, headers/request timeouts — on 'listening'.
  h1.emit("listening");
  if (options.connectTunnels) {
    // CONNECT host:port -> 200, then the tunnel is a new plaintext connection (HTTP/1.1 or h2c;
    // requests inside name the service in Host / :authority). TLS inside is refused: the app talks
    // plaintext to its own sidecar, which adds mTLS.
    h1.on("connect", (req, socket: Duplex, head: Buffer) => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) socket.unshift(head);
      const info = (req.socket as WithConnectionInfo)[kConnectionInfo] ?? PLAINTEXT_CONNECTION;
      inspect(socket, (kind) => {
        if (kind === "tls") return refuse(socket, "TLS inside a CONNECT tunnel: call http:// services; the sidecar adds mTLS");
        toHttp(socket, kind === "h2c", info);
      });
    });
  }

  const server: NetServer = createNetServer({ allowHalfOpen: true }, onConnection);

  function refuse(socket: Duplex, reason: string): void {
    logger.debug({ listener: name, reason }, "connection refused");
    events.emit("connectionRefused", { direction, listener: name, reason });
    socket.destroy();
  }

  function toHttp(socket: Duplex, h2c: boolean, info: ConnectionInfo): void {
    (socket as Duplex & WithConnectionInfo)[kConnectionInfo] = info;
    if (h2c) {
      // The session reads what inspection put back (it resumes the socket).
      const session = new ServerSession(socket as ServerSessionSocket, {
        streamWindow: H2_STREAM_WINDOW,
        sessionWindow: H2_SESSION_WINDOW,
        onStream: exchange.onStream,
        clock,
        idleTimeoutMs: DOWNSTREAM_KEEPALIVE_MS,
        meshPeer: info.peer !== undefined,
      });
      sessions.add(session);
      session.onClosed((err) => {
        sessions.delete(session);
        // A client that broke the protocol or flooded us: say so (closes and resets are routine).
        if ((err as { code?: string } | undefined)?.code === "ERR_HTTP2_SESSION_ERROR") logger.info({ listener: name, reason: err!.message }, "HTTP/2 connection closed");
      });
      return;
    }
    // The codec reads what inspection put back first ('data' once the stream flows again).
    fast.accept(socket);
  }

  /** Reads the first bytes, puts them back, and says what they are. */
  function inspect(socket: Duplex, then: (kind: FirstBytes) => void, onSilence?: () => void): void {
    let seen: Buffer | undefined;
    let timer: { cancel(): void } | undefined;
    const stop = () => {
      socket.off("data", onData).off("end", onEnd).off("close", onGone);
      timer?.cancel();
      timer = undefined;
    };
    const done = (kind: FirstBytes) => {
      stop();
      socket.pause();
      if (seen !== undefined) socket.unshift(seen);
      then(kind);
    };
    const onData = (chunk: Buffer) => {
      seen = seen === undefined ? chunk : Buffer.concat([seen, chunk]);
      const kind = classifyFirstBytes(seen);
      if (kind !== "more" || seen.length >= INSPECT_BYTES) done(kind === "more" ? "other" : kind);
    };
    const onGone = () => stop();
    const onEnd = () => {
      stop();
      socket.destroy();
    };
    timer = clock.setTimeout(() => {
      timer = undefined;
      if (onSilence !== undefined) return done("other");
      stop();
      refuse(socket, "no bytes within the inspection timeout");
    }, INSPECT_TIMEOUT_MS);
    socket.on("data", onData).once("end", onEnd).once("close", onGone);
  }

  /**
   * TLS termination goes through a node:tls Server (never listening: connections are handed to it)
   * because its connection handling is what verifies client certificates against the trust bundle
   * and sets `authorized`. One per chain shape and certificate generation, so a rotated certificate
   * serves new handshakes while sessions established before keep theirs.
   */
  const tlsServers = new Map<string, TlsServer>();

  function tlsServerFor(chain: FilterChain, material: TlsMaterial): TlsServer {
    const tls = chain.tls!;
    const key = `${material.generation}|${tls.requireClientCertificate}|${tls.alpn.join(",")}|${tls.san.map((m) => `${m.kind}:${m.value}`).join(",")}|${chain.kind}|${chain.tcpCluster}`;
    let server = tlsServers.get(key);
    if (server !== undefined) return server;
    // Servers of older certificates are forgotten; handshakes already on them complete (they hold it).
    for (const k of tlsServers.keys()) if (!k.startsWith(`${material.generation}|`)) tlsServers.delete(k);
    const cert = material.cert;
    server = createTlsServer({
      key: cert.keyPem,
      cert: cert.certPem,
      ca: cert.bundlePem,
      minVersion: MIN_TLS_VERSION,
      requestCert: true,
      rejectUnauthorized: tls.requireClientCertificate,
      handshakeTimeout: HANDSHAKE_TIMEOUT_MS,
      ...(tls.alpn.length > 0 ? { ALPNProtocols: [...tls.alpn] } : {}),
    });
    server.on("tlsClientError", (err: Error, socket: TLSSocket) => refuse(socket, `TLS handshake failed: ${err.message}`));
    server.on("secureConnection", (secure: TLSSocket) => {
      secure.on("error", noop);
      const verified = secure.authorized ? verifiedPeer(secure, material.trustDomain, tls.san) : undefined;
      let peer: PeerIdentity | undefined;
      if (typeof verified === "string" || (verified === undefined && tls.requireClientCertificate)) {
        if (tls.requireClientCertificate) return refuse(secure, `client certificate refused: ${verified ?? String(secure.authorizationError ?? "none")}`);
      } else {
        peer = verified;
      }
      if (chain.kind === "tcp") return options.tcp(secure, chain, peer);
      toHttp(secure, secure.alpnProtocol === "h2", { tls: true, peer });
    });
    tlsServers.set(key, server);
    return server;
  }

  function startTls(socket: Socket, chain: FilterChain): void {
    const material = options.tls();
    if (material === undefined) return refuse(socket, "TLS before this sidecar has a workload certificate");
    tlsServerFor(chain, material).emit("connection", socket);
  }

  function onConnection(socket: Socket): void {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", noop);
    socket.setNoDelay(true);
    const { chains, tlsInspector } = options.transport();
    const only = chains.length === 1 ? chains[0]! : undefined;
    // No inspection where it cannot change the outcome: a TLS-only chain goes straight to the
    // handshake (plaintext fails it: STRICT), a plaintext TCP chain straight to the proxy (the
    // upstream may speak first).
    if (only !== undefined && only.tls !== undefined && !tlsInspector) return startTls(socket, only);
    if (only !== undefined && only.tls === undefined && only.kind === "tcp" && !tlsInspector) return options.tcp(socket, only, undefined);
    const plaintextTcp = chains.some((c) => c.tls === undefined && c.kind === "tcp");
    inspect(
      socket,
      (kind) => {
        if (kind === "tls") {
          const chain = chains.find((c) => c.transportProtocol === "tls") ?? chains.find((c) => c.tls !== undefined && c.transportProtocol === undefined);
          if (chain === undefined) return refuse(socket, "TLS on a plaintext-only listener");
          return startTls(socket, chain);
        }
        const chain = chains.find((c) => c.transportProtocol === "raw_buffer") ?? chains.find((c) => c.tls === undefined && c.transportProtocol === undefined);
        if (chain === undefined) return refuse(socket, "plaintext on a listener that requires mTLS (STRICT)");
        if (chain.kind === "tcp") return options.tcp(socket, chain, undefined);
        toHttp(socket, kind === "h2c", PLAINTEXT_CONNECTION);
      },
      // A silent client on a PERMISSIVE TCP listener may be waiting for a server-first protocol.
      plaintextTcp ? noop : undefined,
    );
  }

  return {
    listen: (port, host, what) => listen(server, port, host, what),
    async close(drainMs) {
      const closed = server.listening ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
      h1.closeIdleConnections();
      fast.drain();
      for (const s of sessions) s.close();
      if (drainMs > 0 && sockets.size > 0) {
        // Requests still arriving on open keep-alive connections are answered with Connection: close;
        // connections that go idle once their response is done are swept.
        h1.on("request", (_req, res) => {
          res.shouldKeepAlive = false;
        });
        const sweep = setInterval(() => {
          h1.closeIdleConnections();
          fast.closeIdle();
        }, DRAIN_SWEEP_MS).unref();
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([closed, new Promise<void>((resolve) => (timer = setTimeout(resolve, drainMs).unref()))]);
        clearTimeout(timer);
        clearInterval(sweep);
      }
      h1.closeAllConnections();
      h1.close(); // stops its connection-checking interval
      fast.destroyAll();
      for (const s of sessions) s.destroy();
      for (const s of sockets) s.destroy();
      await closed;
    },
    connections: () => sockets.size,
  };
}
