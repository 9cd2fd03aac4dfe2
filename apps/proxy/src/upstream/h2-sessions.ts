// HTTP/2 client sessions to endpoints, one multiplexed session per (endpoint, transport): h2c with
// prior knowledge, or TLS with ALPN. A session that closes, gets a GOAWAY or errors is forgotten and
// the next request opens a new one. Sessions of endpoints that left the config, or of an older TLS
// certificate, are closed gracefully: their in-flight streams finish, new streams go elsewhere.
import { codedError } from "../core/errors";
import type { Endpoint } from "../core/runtime-config";
import type { UpstreamTls } from "../core/transport-config";
import { ClientSession } from "../http2/client-session";
import type { TlsMaterial } from "../tls/material";
import { kUpstreamPeer, openUpstreamSocket } from "./connect";

/** Flow-control windows, bytes: larger than HTTP/2's 64 KiB default so one stream can fill a LAN link. */
export const H2_STREAM_WINDOW = 1 << 20;
export const H2_SESSION_WINDOW = 8 << 20;

export interface H2Session {
  readonly session: ClientSession;
  /** TLS material generation (0 for h2c). */
  readonly generation: number;
  readonly endpointKey: string;
  /** Still connecting (TCP, TLS handshake): the protocol ALPN picks is not known yet. */
  connecting: boolean;
  /** Settles when connected: rejects with the connect error, or ALPN_HTTP1 when TLS ALPN picked HTTP/1.1. */
  readonly ready: Promise<void>;
  /** SPIFFE ID the server proved (TLS), once connected. */
  peer(): string | undefined;
}

export interface H2SessionsOptions {
  /** Idle time after which a session without streams is closed, ms. */
  idleTimeoutMs?: number;
}

/** Thrown (as a connect-phase error) when TLS ALPN picked HTTP/1.1 for an auto_config cluster. */
export const ALPN_HTTP1 = "WEFT_ALPN_HTTP1";

export interface H2Sessions {
  /** The session for this endpoint and transport, opening one if needed. */
  get(endpoint: Endpoint, tls: UpstreamTls | undefined, material: TlsMaterial | undefined, alpn: readonly string[], connectTimeoutMs: number): H2Session;
  /** Gracefully closes sessions whose endpoint key is not in `keys`. */
  retain(keys: ReadonlySet<string>): void;
  /** Gracefully closes TLS sessions of certificate generations older than `generation`. */
  retireTls(generation: number): void;
  size(): number;
  /** Destroys every session (in-flight streams fail); for shutdown. */
  close(): void;
}

function noop(): void {}

export function createH2Sessions(options: H2SessionsOptions = {}): H2Sessions {
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;
  const sessions = new Map<string, H2Session>();

  function forget(key: string, entry: H2Session): void {
    if (sessions.get(key) === entry) sessions.delete(key);
  }

  function open(key: string, endpoint: Endpoint, tls: UpstreamTls | undefined, material: TlsMaterial | undefined, alpn: readonly string[], connectTimeoutMs: number): H2Session {
    const socket = openUpstreamSocket({ endpoint, tls, material, alpn, connectTimeoutMs });
    const session = new ClientSession(socket, { streamWindow: H2_STREAM_WINDOW, sessionWindow: H2_SESSION_WINDOW, idleTimeoutMs });
    let settle!: (err?: Error) => void;
    const ready = new Promise<void>((resolve, reject) => {
      settle = (err) => (err === undefined ? resolve() : reject(err));
    });
    ready.catch(noop); // only auto_config clusters wait on it; the streams see the same failure
    const entry: H2Session = { session, generation: tls ? (material?.generation ?? 0) : 0, endpointKey: endpoint.key, connecting: true, ready, peer: () => socket[kUpstreamPeer] };
    const onEarlyClose = () => {
      entry.connecting = false;
      settle(codedError(`connection to ${endpoint.key} closed while connecting`, "ECONNRESET"));
    };
    socket.once("error", (err) => {
      entry.connecting = false;
      settle(err);
    });
    socket.once("close", onEarlyClose);
    socket.once(tls === undefined ? "connect" : "secureConnect", () => {
      entry.connecting = false;
      socket.off("close", onEarlyClose);
      if (tls !== undefined && (socket as { alpnProtocol?: string | false }).alpnProtocol !== "h2") {
        // auto_config over TLS and the server chose HTTP/1.1: the caller falls back to an HTTP/1.1 pool.
        forget(key, entry);
        const err = codedError("the upstream negotiated HTTP/1.1 (ALPN)", ALPN_HTTP1);
        settle(err);
        session.destroy(err);
        return;
      }
      settle();
    });
    session.onRetired(() => forget(key, entry));
    return entry;
  }

  return {
    get(endpoint, tls, material, alpn, connectTimeoutMs) {
      const key = tls === undefined ? `${endpoint.key}|h2c` : `${endpoint.key}|h2|${tls.key}|${material?.generation ?? 0}`;
      const existing = sessions.get(key);
      if (existing !== undefined && !existing.session.closed) return existing;
      const entry = open(key, endpoint, tls, material, alpn, connectTimeoutMs);
      sessions.set(key, entry);
      return entry;
    },
    retain(keys) {
      for (const [key, entry] of sessions) {
        if (keys.has(entry.endpointKey)) continue;
        sessions.delete(key);
        entry.session.close();
      }
    },
    retireTls(generation) {
      for (const [key, entry] of sessions) {
        if (entry.generation === 0 || entry.generation >= generation) continue;
        sessions.delete(key);
        entry.session.close();
      }
    },
    size: () => sessions.size,
    close() {
      for (const entry of sessions.values()) entry.session.destroy();
      sessions.clear();
    },
  };
}
