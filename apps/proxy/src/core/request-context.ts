// Per-request state handed down the layer stack. A class (not an object literal) so every request
// has the same hidden class; fields are filled in as layers decide (route, cluster, endpoint).
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import type { ErrorCode } from "@weft/contracts";
import type { Cluster, ConfigSnapshot, Direction, Endpoint, Route, VirtualHost, WorkloadIdentity } from "./runtime-config";

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

  constructor(
    readonly direction: Direction,
    readonly config: ConfigSnapshot,
    readonly downstream: IncomingMessage,
    readonly method: string,
    /** Lower-case `host[:port]` the request is addressed to ("" if none). */
    readonly authority: string,
    /** Origin-form target: path plus query. */
    readonly path: string,
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
