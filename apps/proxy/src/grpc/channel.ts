// A gRPC channel: the HTTP/2 connection (cleartext, or TLS with ALPN h2) to one server, opened on
// first use and opened again once it has closed, failed or been refused new streams. Calls
// (call.ts) either share one — OTLP exports, a batch a second — or get their own for their
// lifetime (the controller's long-lived streams).
import { connect, isIP } from "node:net";
import { connect as connectTls } from "node:tls";
import { ClientSession } from "../http2/client-session";

export interface ChannelOptions {
  /** TLS (ALPN h2) instead of cleartext, the server verified against `ca` or the system's trusted roots. */
  tls?: { ca?: string | Buffer };
  /** How long connecting may take, ms (default 10 s). */
  connectTimeoutMs?: number;
  /** A connection without calls for this long closes, ms (default: never). */
  idleTimeoutMs?: number;
}

const STREAM_WINDOW = 4 * 1024 * 1024;
const SESSION_WINDOW = 8 * 1024 * 1024;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const NEVER = 2 ** 31 - 1; // the longest a Node timer can wait

/** `host:port` or `[v6]:port` (what WEFT_CONTROLLER accepts). */
export function parseAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(":");
  const port = Number(address.slice(at + 1));
  let host = address.slice(0, at);
  if (host.startsWith("[") && host.endsWith("]")) host = host.slice(1, -1);
  if (at <= 0 || host === "" || !Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`"${address}" is not host:port`);
  return { host, port };
}

export class GrpcChannel {
  readonly secure: boolean;
  private readonly host: string;
  private readonly port: number;
  private current: ClientSession | undefined = undefined;

  /** Throws when `address` is not host:port. */
  constructor(
    readonly address: string,
    private readonly options: ChannelOptions = {},
  ) {
    ({ host: this.host, port: this.port } = parseAddress(address));
    this.secure = options.tls !== undefined;
  }

  /** The open connection, or a new one. */
  session(): ClientSession {
    if (this.current === undefined || this.current.closed) this.current = this.open();
    return this.current;
  }

  /** Closes the connection now; calls on it fail. */
  close(): void {
    this.current?.destroy();
    this.current = undefined;
  }

  private open(): ClientSession {
    const { host, port, address } = this;
    const tls = this.options.tls;
    const socket =
      tls === undefined
        ? connect({ host, port, noDelay: true })
        : connectTls({ host, port, ALPNProtocols: ["h2"], ...(isIP(host) ? {} : { servername: host }), ...(tls.ca ? { ca: tls.ca } : {}) }).setNoDelay(true);
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    socket.setTimeout(connectTimeoutMs, () => socket.destroy(new Error(`connecting to ${address} took over ${connectTimeoutMs} ms`)));
    socket.once(tls === undefined ? "connect" : "secureConnect", () => {
      socket.setTimeout(0);
      if (tls !== undefined && (socket as { alpnProtocol?: string | false }).alpnProtocol !== "h2") socket.destroy(new Error(`${address} did not negotiate HTTP/2 over TLS (ALPN h2)`));
    });
    return new ClientSession(socket, { streamWindow: STREAM_WINDOW, sessionWindow: SESSION_WINDOW, idleTimeoutMs: this.options.idleTimeoutMs ?? NEVER });
  }
}
