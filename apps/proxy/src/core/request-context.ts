// Per-request state handed down the layer stack. A class (not an object literal) so every request
// has the same hidden class; fields are filled in as layers decide (route, cluster, endpoint).
import type { IncomingHttpHeaders } from "node:http";
import type { Duplex, Readable } from "node:stream";
import type { ErrorCode } from "@weft/contracts";
import type { Span } from "@opentelemetry/api";
import type { Cluster, ConfigSnapshot, Direction, Endpoint, Route, VirtualHost, WorkloadIdentity } from "./runtime-config";
import type { LocalReason } from "./traffic-policy";
import type { Host } from "../balance/host";
import type { ClientStream } from "../http2/client-stream";
import type { PeerIdentity } from "../tls/peer";

/** Source/destination identity when unknown (e.g. a caller without a sidecar). */
export const EXTERNAL: WorkloadIdentity = Object.freeze({ service: "external", namespace: "", version: "" });
export const UNKNOWN: WorkloadIdentity = Object.freeze({ service: "unknown", namespace: "", version: "" });

export class RequestContext {
  /** The route that matched (undefined until the route layer ran, or when none did). */
  route: Route | undefined = undefined;
  virtualHost: VirtualHost | undefined = undefined;
  cluster: Cluster | undefined = undefined;
  endpoint: Endpoint | undefined = undefined;
  source: WorkloadIdentity;
  destination: WorkloadIdentity;
  /** Final status sent downstream (0 if none was sent, e.g. the upstream reset mid-response). */
  status = 0;
  errorCode: ErrorCode | undefined = undefined;
  requestBytes = 0;
  responseBytes = 0;
  /** performance.now() at arrival; durationMs is filled when the exchange completes. */
  readonly startedAt: number;
  durationMs = 0;
  // ---- traffic policy (layers/) ----
  /** The balancer's host for the current attempt (ctx.endpoint with its stats). */
  host: Host | undefined = undefined;
  /** Attempts sent upstream so far (1 + retries). */
  attempts = 0;
  /** The last local decision about this request (telemetry / access logs), e.g. `upstream_timeout`. */
  reason: LocalReason | undefined = undefined;
  /** Body to send upstream instead of `downstream` (retry replay buffer); undefined = the downstream stream. */
  requestBody: Readable | Buffer | null | undefined = undefined;
  /** Aborted when the route or per-try timeout fires: the forwarder should cancel the upstream attempt.
   *  An AbortSignal-compatible object (aborted, reason, add/removeEventListener), not always a real one. */
  signal: AbortSignal | undefined = undefined;
  /** Consistent-hash key of the request for ring-hash clusters (from the route's hash_policy); -1 = none. */
  hash = -1;
  // ---- transport (core/exchange.ts, upstream/) ----
  /** Downstream HTTP version: 1 (HTTP/1.x) or 2. */
  httpVersion: 1 | 2 = 1;
  /** The request is gRPC (`content-type: application/grpc[+…]`): local replies are gRPC-shaped. */
  grpc = false;
  /** The downstream connection is TLS. */
  tls = false;
  /** The caller's verified mesh identity (its client certificate); undefined without mTLS. */
  peer: PeerIdentity | undefined = undefined;
  /** `Upgrade` token of an HTTP/1.1 upgrade request (e.g. "websocket"); undefined otherwise. */
  upgrade: string | undefined = undefined;
  /** After a 101 from the upstream: the upstream socket and the bytes it sent after the head. */
  upgraded: { socket: Duplex; head: Buffer } | undefined = undefined;
  /** Request fields an HTTP/2 client sent "never indexed" (HPACK §6.2.3): an HTTP/2 upstream gets them the same way. */
  neverIndexed: readonly string[] | undefined = undefined;
  /** RST_STREAM code the downstream HTTP/2 stream ended with (the client's, or ours), if it was reset. */
  downstreamRst: number | undefined = undefined;
  /** The HTTP/2 stream of the current upstream attempt (cancelled if the downstream goes away). */
  upstreamStream: ClientStream | undefined = undefined;
  /** SPIFFE ID the upstream proved with its certificate (mTLS), for telemetry and tests. */
  upstreamPeer: string | undefined = undefined;
  /** The gRPC deadline (`grpc-timeout`) timer, while armed. */
  deadlineTimer: { cancel(): void } | undefined = undefined;
  /** The gRPC deadline fired: the client got (or gets) DEADLINE_EXCEEDED. */
  deadlineExceeded = false;
  /**
   * The downstream went away (or its request turned malformed) before the response was written:
   * an upstream attempt failing after that failed because of the client, not the upstream.
   */
  downstreamGone = false;
  // ---- telemetry (layers/trace-*.ts) ----
  /** W3C trace id (32 hex) the request travels with, continued or started here; "" before the trace layer. */
  traceId = "";
  /** This hop's span when the trace is sampled; undefined otherwise (unsampled requests get no span object). */
  span: Span | undefined = undefined;
  /** gRPC status code of the response (trailers-only headers or trailers); -1 when unknown or not gRPC. */
  grpcStatus = -1;

  constructor(
    readonly direction: Direction,
    readonly config: ConfigSnapshot,
    /** The downstream request body (an empty ended stream when there is none). */
    readonly downstream: Readable,
    readonly method: string,
    /** Lower-case `host[:port]` the request is addressed to ("" if none). */
    readonly authority: string,
    /** Origin-form target: path plus query. Rewritten in place by route policy (prefix_rewrite). */
    public path: string,
    /** Headers to send upstream; layers edit them in place (Node gives each request its own object). */
    readonly headers: IncomingHttpHeaders,
    /** Whether the downstream request carries a body (content-length > 0 or transfer-encoding). */
    readonly hasBody: boolean,
    source: WorkloadIdentity,
    destination: WorkloadIdentity,
    startedAt: number,
  ) {
    this.source = source;
    this.destination = destination;
    this.startedAt = startedAt;
  }

  /** Path without the query string, for route matching. */
  get pathOnly(): string {
    const q = this.path.indexOf("?");
    return q === -1 ? this.path : this.path.slice(0, q);
  }
}
