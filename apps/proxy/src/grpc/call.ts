// The sidecar's gRPC client — the controller's calls (ADS, the CA's Sign, the telemetry report
// stream) and OTLP span export — on the sidecar's own HTTP/2 client session, as Envoy's
// "envoy_grpc" client runs on Envoy's own codec. A call runs on a channel (channel.ts) it is given,
// or on a connection of its own, opened for it and closed with it (the controller's calls are few
// and long-lived; a dead connection then fails exactly one call, whose owner retries with its own
// backoff). Messages are length-prefixed (message-framing.ts); the call ends with exactly one
// status: the server's grpc-status, or one derived from what failed (unreachable, reset, deadline)
// the way gRPC's own clients name it.
import { Readable } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";
import { systemClock, type Clock } from "../core/clock";
import { decodeGrpcMessage, GrpcStatus, grpcStatusName, grpcStatusOf, isGrpcContentType, knownGrpcStatus } from "../core/grpc";
import { runListener } from "../core/run-listener";
import type { ClientResponse } from "../http2/client-stream";
import { wasNotProcessed } from "../http2/client-session";
import { H2Error } from "../http2/frames";
import { GrpcChannel, type ChannelOptions } from "./channel";
import { FramingError, frameMessage, MessageReader } from "./message-framing";

/** One method of a service: its HTTP/2 path and its message codecs. */
export interface GrpcMethod<Req, Res> {
  path: string;
  serialize(message: Req): Uint8Array;
  deserialize(bytes: Buffer): Res;
}

export interface CallStatus {
  /** google.rpc.Code (0 = OK). */
  code: number;
  details: string;
  /** The server refused the call before processing it (GOAWAY, REFUSED_STREAM): safe to send again. */
  notProcessed?: boolean;
  /** The server's `grpc-status-details-bin`: a google.rpc.Status with details (e.g. RetryInfo). */
  statusDetails?: Buffer;
}

export interface CallHandlers<Res> {
  /** The server answered the call with response headers (it is reachable and took the call). */
  onHeaders?(): void;
  onMessage(message: Res): void;
  /** Exactly once, last: the call is over. After cancel() it is CANCELLED. */
  onStatus(status: CallStatus): void;
}

/** `tls` and `connectTimeoutMs` apply to a call's own connection; a shared channel has its own. */
export interface CallOptions extends Omit<ChannelOptions, "idleTimeoutMs"> {
  /** Request metadata (lower-case names), e.g. `authorization`. */
  metadata?: Record<string, string>;
  /** Metadata names to send never indexed by HPACK (secrets: never in a compression table). */
  sensitive?: readonly string[];
  /** Deadline of the whole call, ms from now; sent as `grpc-timeout` and enforced here too. */
  timeoutMs?: number;
  /** Largest message accepted (default 16 MiB: an xDS response for thousands of services). */
  maxMessageBytes?: number;
  clock?: Clock;
}

export interface GrpcCall<Req> {
  /** Sends one message (ignored once the call is over or ended). */
  write(message: Req): void;
  /** No more messages from this side (half-close). */
  end(): void;
  /** Abandons the call: RST_STREAM CANCEL (and its own connection closed), status CANCELLED. */
  cancel(): void;
}

const DEFAULT_MAX_MESSAGE = 16 * 1024 * 1024;
const USER_AGENT = "weft-proxy";

/** "UNAVAILABLE: why" (or the name alone), for logs. */
export function describeStatus(status: CallStatus): string {
  return status.details ? `${grpcStatusName(status.code)}: ${status.details}` : grpcStatusName(status.code);
}

/**
 * A stream that failed, as gRPC names it (gRPC over HTTP/2, "Errors"): reset by RST_STREAM `code`,
 * or, without one, cut off with its connection (UNAVAILABLE).
 */
function statusOfReset(code: number | undefined): number {
  switch (code) {
    case undefined:
      return GrpcStatus.UNAVAILABLE;
    case H2Error.RefusedStream:
      return GrpcStatus.UNAVAILABLE;
    case H2Error.Cancel:
      return GrpcStatus.CANCELLED;
    case H2Error.EnhanceYourCalm:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case H2Error.InadequateSecurity:
      return GrpcStatus.PERMISSION_DENIED;
    default:
      return GrpcStatus.INTERNAL;
  }
}

/**
 * Starts a call (any of unary, client, server or bidi streaming: the method's shape is the caller's)
 * on `target`: a channel to share, or an address (host:port) for a connection of the call's own.
 */
export function startCall<Req, Res>(target: string | GrpcChannel, method: GrpcMethod<Req, Res>, handlers: CallHandlers<Res>, options: CallOptions = {}): GrpcCall<Req> {
  const clock = options.clock ?? systemClock;
  let finished = false;
  let deadline: { cancel(): void } | undefined;
  let channel: GrpcChannel | undefined;
  const ownChannel = typeof target === "string";
  const address = typeof target === "string" ? target : target.address;
  let stream: { cancel(code?: number): void } | undefined;
  const source = new Readable({ read() {} });

  function finish(code: number, details: string, notProcessed = false, statusDetails?: Buffer): void {
    if (finished) return;
    finished = true;
    deadline?.cancel();
    // Whatever this side still had to send is moot (a no-op when the stream is already closed both ways).
    stream?.cancel(H2Error.Cancel);
    source.destroy();
    if (ownChannel) channel?.close(); // GOAWAY, then the connection closes: it served this call only
    const status: CallStatus = { code, details };
    if (notProcessed) status.notProcessed = true;
    if (statusDetails !== undefined) status.statusDetails = statusDetails;
    runListener(() => handlers.onStatus(status));
  }

  try {
    channel = typeof target === "string" ? new GrpcChannel(target, options) : target;
  } catch (err) {
    queueMicrotask(() => finish(GrpcStatus.UNAVAILABLE, (err as Error).message));
    return { write() {}, end() {}, cancel: () => finish(GrpcStatus.CANCELLED, "cancelled by the sidecar") };
  }
  const session = channel.session();

  const fields = [":method", "POST", ":scheme", channel.secure ? "https" : "http", ":authority", address, ":path", method.path, "content-type", "application/grpc", "te", "trailers", "user-agent", USER_AGENT];
  if (options.timeoutMs !== undefined) fields.push("grpc-timeout", `${Math.max(1, Math.ceil(options.timeoutMs))}m`);
  for (const [name, value] of Object.entries(options.metadata ?? {})) fields.push(name, value);
  const request = session.request(fields, source, options.sensitive);
  stream = request.stream;
  if (options.timeoutMs !== undefined) deadline = clock.setTimeout(() => finish(GrpcStatus.DEADLINE_EXCEEDED, `no answer within the ${options.timeoutMs} ms deadline`), options.timeoutMs);

  request.response.then(
    (response) => onResponse(response),
    (err: Error) => {
      const rst = request.stream.rstCode;
      const refused = wasNotProcessed(err);
      finish(refused ? GrpcStatus.UNAVAILABLE : statusOfReset(rst), err.message, refused);
    },
  );

  function onResponse(response: ClientResponse): void {
    if (finished) {
      if (response.body !== null && !Buffer.isBuffer(response.body)) response.body.destroy();
      return;
    }
    const { headers, body } = response;
    if (response.status !== 200 || !isGrpcContentType(headers["content-type"])) {
      if (body !== null && !Buffer.isBuffer(body)) body.destroy();
      // A trailers-only answer can still carry a grpc-status; otherwise gRPC's HTTP mapping.
      if (headers["grpc-status"] !== undefined) return statusFrom(headers);
      return finish(grpcStatusOf(undefined, response.status), `the server answered HTTP ${response.status}${headers["content-type"] ? ` (${String(headers["content-type"])})` : ""}, not gRPC`);
    }
    if (body === null) return statusFrom(headers); // trailers-only
    if (handlers.onHeaders) runListener(handlers.onHeaders);
    const reader = new MessageReader(options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE);
    const deliver = (chunk: Buffer): boolean => {
      let messages: Buffer[];
      try {
        messages = reader.push(chunk);
      } catch (err) {
        const framing = err as FramingError;
        finish(framing.tooLarge ? GrpcStatus.RESOURCE_EXHAUSTED : GrpcStatus.INTERNAL, framing.message);
        return false;
      }
      for (const bytes of messages) {
        if (finished) return false;
        let message: Res;
        try {
          message = method.deserialize(bytes);
        } catch (err) {
          finish(GrpcStatus.INTERNAL, `a response message cannot be decoded: ${(err as Error).message}`);
          return false;
        }
        runListener(() => handlers.onMessage(message));
      }
      return !finished;
    };
    if (Buffer.isBuffer(body)) {
      // The whole body with the headers and no trailers: the server ended without a status.
      if (deliver(body)) finish(GrpcStatus.INTERNAL, "the server ended the call without a grpc-status");
      return;
    }
    let trailers: IncomingHttpHeaders | undefined;
    body.on("data", (chunk: Buffer) => {
      if (!finished) deliver(chunk);
    });
    body.once("trailers", (t: IncomingHttpHeaders) => (trailers = t));
    body.once("end", () => {
      if (reader.pending > 0) return finish(GrpcStatus.INTERNAL, "the server ended the call in the middle of a message");
      if (trailers === undefined) return finish(GrpcStatus.INTERNAL, "the server ended the call without a grpc-status");
      statusFrom(trailers);
    });
    body.once("error", (err: Error) => {
      finish(statusOfReset((body as { rstCode?: number }).rstCode), err.message);
    });
  }

  function statusFrom(fields: IncomingHttpHeaders): void {
    const raw = fields["grpc-status"];
    const code = typeof raw === "string" && /^\d+$/.test(raw) ? Number(raw) : undefined;
    if (code === undefined) return finish(GrpcStatus.INTERNAL, `the server ended the call with a grpc-status of ${JSON.stringify(raw ?? null)}`);
    const bin = fields["grpc-status-details-bin"];
    finish(knownGrpcStatus(code), decodeGrpcMessage(fields["grpc-message"]), false, typeof bin === "string" && bin !== "" ? Buffer.from(bin, "base64") : undefined);
  }

  let ended = false;
  return {
    write(message) {
      if (finished || ended) return;
      let bytes: Uint8Array;
      try {
        bytes = method.serialize(message);
      } catch (err) {
        finish(GrpcStatus.INTERNAL, `a request message cannot be encoded: ${(err as Error).message}`);
        return;
      }
      source.push(frameMessage(bytes));
    },
    end() {
      if (finished || ended) return;
      ended = true;
      source.push(null);
    },
    cancel() {
      finish(GrpcStatus.CANCELLED, "cancelled by the sidecar");
    },
  };
}

/** An error status of a call: `code` is the google.rpc.Code, the message names the status and the server's words. */
export class GrpcCallError extends Error {
  constructor(
    readonly code: number,
    readonly details: string,
    /** Refused before the server processed it: safe to send again (on a new connection). */
    readonly notProcessed = false,
    /** The server's google.rpc.Status with details (`grpc-status-details-bin`), when it sent one. */
    readonly statusDetails?: Buffer,
  ) {
    super(describeStatus({ code, details }));
  }
}

/** One request, one response. Rejects with GrpcCallError. */
export function unaryCall<Req, Res>(target: string | GrpcChannel, method: GrpcMethod<Req, Res>, request: Req, options: CallOptions = {}): Promise<Res> {
  return new Promise<Res>((resolve, reject) => {
    let answer: { value: Res } | undefined;
    const call = startCall(target, method, {
      onMessage(message) {
        if (answer === undefined) answer = { value: message };
      },
      onStatus(status) {
        if (status.code !== GrpcStatus.OK) reject(new GrpcCallError(status.code, status.details, status.notProcessed, status.statusDetails));
        else if (answer === undefined) reject(new GrpcCallError(GrpcStatus.UNIMPLEMENTED, "the server answered OK without a response message"));
        else resolve(answer.value);
      },
    }, options);
    call.write(request);
    call.end();
  });
}

/** A method of a service definition from @weft/contracts/proto (`protos.services.ads.StreamAggregatedResources`). */
export function methodOf<Req, Res>(definition: { path: string; requestSerialize(value: Req): Buffer; responseDeserialize(bytes: Buffer): Res }): GrpcMethod<Req, Res> {
  return { path: definition.path, serialize: (m) => definition.requestSerialize(m), deserialize: (b) => definition.responseDeserialize(b) };
}
