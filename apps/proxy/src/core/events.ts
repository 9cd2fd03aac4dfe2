// Events the data path and discovery emit; telemetry (and later access logs) subscribe. Keeps the
// data path free of any metrics import. Listeners run synchronously and must be cheap.
import type { RequestContext } from "./request-context";
import type { Direction } from "./runtime-config";

/** A completed exchange: the RequestContext itself, read-only, so emitting allocates nothing. */
export type RequestRecord = Readonly<RequestContext>;

export type XdsTypeLabel = "CDS" | "EDS" | "LDS" | "RDS";

export interface ProxyEventMap {
  /** Once per downstream request, after the response finished, failed or was aborted. */
  request: RequestRecord;
  /** The ADS stream connected (true) or dropped (false). */
  xdsConnection: boolean;
  /** A response of one xDS type was accepted (ack) or rejected (nack). */
  xdsUpdate: { type: XdsTypeLabel; result: "ack" | "nack" };
  /** The ADS stream is down; the next attempt (number `attempt`) runs in `delayMs`. */
  xdsRetry: { attempt: number; delayMs: number };
  /** The telemetry report stream connected (true) or dropped (false). */
  reportConnection: boolean;
  /** The controller acknowledged the report of the window starting at windowStartMs. */
  reportAck: { windowStartMs: number };
  /** The workload certificate changed state (issued/renewed/loaded, renewal failed, expiring, expired). */
  identity: IdentityEvent;
  /** A proxied TCP connection was accepted and its endpoint chosen (or it failed before): the record
   *  `tcp` later reports, live (its byte counts grow while the connection is open). */
  tcpOpen: TcpConnectionRecord;
  /** A proxied TCP connection closed (byte and connection counters for telemetry). */
  tcp: TcpConnectionRecord;
  /** A downstream connection was refused by its listener (e.g. plaintext on a STRICT mTLS port). */
  connectionRefused: { direction: Direction; listener: string; reason: string };
}

export interface IdentityEvent {
  state: "issued" | "renewal_failed" | "expiring" | "expired";
  spiffeId?: string;
  /** ms since the epoch. */
  notAfter?: number;
  error?: string;
}

export interface TcpConnectionRecord {
  direction: Direction;
  /** Listener name, e.g. `weft.outbound.tcp|db.default` or `weft.inbound`. */
  listener: string;
  cluster: string;
  /** Endpoint `address:port` ("" if none was reachable). */
  endpoint: string;
  /** Verified SPIFFE ID of the downstream peer (mTLS), if any. */
  peer: string | undefined;
  bytesFromDownstream: number;
  bytesToDownstream: number;
  durationMs: number;
  /** Why the connection failed (`WEFT_*` code), undefined when it ended normally. */
  errorCode: string | undefined;
}

export interface ProxyEvents {
  on<K extends keyof ProxyEventMap>(event: K, listener: (payload: ProxyEventMap[K]) => void): () => void;
  emit<K extends keyof ProxyEventMap>(event: K, payload: ProxyEventMap[K]): void;
}

export function createProxyEvents(): ProxyEvents {
  const listeners: { [K in keyof ProxyEventMap]: Array<(p: ProxyEventMap[K]) => void> } = {
    request: [],
    xdsConnection: [],
    xdsUpdate: [],
    xdsRetry: [],
    reportConnection: [],
    reportAck: [],
    identity: [],
    tcpOpen: [],
    tcp: [],
    connectionRefused: [],
  };
  return {
    on(event, listener) {
      const list = listeners[event] as Array<typeof listener>;
      list.push(listener);
      return () => {
        const i = list.indexOf(listener);
        if (i !== -1) list.splice(i, 1);
      };
    },
    emit(event, payload) {
      const list = listeners[event] as Array<(p: typeof payload) => void>;
      for (let i = 0; i < list.length; i++) list[i]!(payload);
    },
  };
}
