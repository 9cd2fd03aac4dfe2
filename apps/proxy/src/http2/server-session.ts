// An HTTP/2 server connection (RFC 9113) on the shared connection core (connection.ts): the
// client's preface checked, requests validated as RFC 9113 §8.3 asks (pseudo-headers, field
// names, content-length against DATA) and handed on as ServerStreams, responses written back whole
// or streamed with the peer's flow control. A response complete before its request resets the
// rest of the request with NO_ERROR (§8.1). close() is a graceful GOAWAY: streams in flight finish,
// then the connection ends.
import type { IncomingHttpHeaders } from "node:http";
import { codedError } from "../core/errors";
import { systemClock, type Clock } from "../core/clock";
import { goawayFrame, H2Error, MAX_STREAM_ID, pingFrame, rstStreamFrame, Setting } from "./frames";
import { Connection, SessionError, State, type SessionSocket } from "./connection";
import { StreamBody } from "./stream";
import { addHeader, badFieldName, badFieldValue, collectTrailers } from "./fields";
import { ServerStream } from "./server-stream";

export interface ServerSessionOptions {
  /** Receive window per stream, bytes (advertised as SETTINGS_INITIAL_WINDOW_SIZE). */
  streamWindow: number;
  /** Receive window of the connection, bytes. */
  sessionWindow: number;
  /** Largest header list accepted from the client, bytes (advertised as SETTINGS_MAX_HEADER_LIST_SIZE). */
  maxHeaderBlock?: number;
  /** A request arrived. */
  onStream(stream: ServerStream): void;
  /** For the age of a stream a client resets (premature resets) and the idle timeout; default the system clock. */
  clock?: Clock;
  /** A connection without a stream for this long is closed gracefully (GOAWAY NO_ERROR); default IDLE_TIMEOUT_MS. */
  idleTimeoutMs?: number;
  /**
   * The client is a peer sidecar with a verified mesh identity: its resets are not counted as a
   * rapid-reset flood. One such connection carries all of a peer app's calls, and their
   * cancellations (short deadlines in a slowdown) are routine; the peer sidecar already holds its
   * own app to the limit. Malformed streams still count.
   */
  meshPeer?: boolean;
}

export interface ServerSessionSocket extends SessionSocket {
  on(event: "data", fn: (data: Buffer) => void): unknown;
  on(event: "drain", fn: () => void): unknown;
  on(event: "error", fn: (err: Error) => void): unknown;
  on(event: "close", fn: () => void): unknown;
  on(event: "end", fn: () => void): unknown;
}

const CONTENT_LENGTH = /^\d{1,15}$/;
/** Origin-form (or `*`): no space, control character or DEL, so it can start an HTTP/1.1 request line. */
const PATH = /^(?:\*|\/[^\x00-\x20\x7f]*)$/;
/** A host and optional port: no space, control character, DEL or delimiter of a URI's other parts. */
const AUTHORITY = /^[^\x00-\x20\x7f/?#@\\]*$/;
/** An HTTP token (RFC 9110 §5.6.2), as a method must be. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** Streams open at once per connection, advertised as SETTINGS_MAX_CONCURRENT_STREAMS (nginx: 128; a sidecar carries a whole app's traffic to one endpoint). */
export const MAX_CONCURRENT_STREAMS = 1000;
/**
 * The HTTP/2 "rapid reset" flood (CVE-2023-44487) opens streams — each starting upstream work — and
 * resets them at once. As Envoy does: a stream the client resets before our response headers and
 * within PREMATURE_RESET_MS of opening it, or one it sent malformed, is premature; once a connection
 * has opened PREMATURE_MIN_STREAMS streams, more than half of them premature ends it with
 * ENHANCE_YOUR_CALM. Cancellations of slow calls (deadlines, timeouts: later than a second) and
 * resets after the answer started (mirrors dropping responses) never count.
 */
export const PREMATURE_RESET_MS = 1_000;
export const PREMATURE_MIN_STREAMS = 500;
/**
 * How long a connection may stay without a stream before it is closed with GOAWAY NO_ERROR, which
 * every HTTP/2 client takes as "reconnect for the next request". Longer than the outbound sidecar's
 * own 60 s, so between sidecars the client side closes first; the same as HTTP/1.1 keep-alive.
 */
export const IDLE_TIMEOUT_MS = 65_000;
/** How long a graceful close waits for the answer to its PING before the final GOAWAY. */
export const SHUTDOWN_PING_TIMEOUT_MS = 1_000;
/** The PING a graceful close sends after its first GOAWAY. */
const SHUTDOWN_PING = Buffer.from("weft-bye");

export class ServerSession extends Connection<ServerStream> {
  /** The highest stream ID the client has opened. */
  private lastPeerId = 0;
  private readonly closedListeners: Array<(err: Error | undefined) => void> = [];
  private closeError: Error | undefined = undefined;
  /** Streams the client opened (well-formed or not), and how many of them were premature. */
  private opened = 0;
  private premature = 0;
  private peerEnded = false;
  private readonly clock: Clock;
  private readonly idleTimeoutMs: number;
  private idleTimer: { cancel(): void } | undefined = undefined;
  /** When the connection last had no stream (clock ms). */
  private idleSince = 0;
  /** A graceful close announced, waiting for its PING's answer (or the timeout) to send the final GOAWAY. */
  private closing: { cancel(): void } | undefined = undefined;

  constructor(
    readonly transport: ServerSessionSocket,
    private readonly options: ServerSessionOptions,
  ) {
    super(transport, options.streamWindow, options.sessionWindow, options.maxHeaderBlock, [[Setting.MaxConcurrentStreams, MAX_CONCURRENT_STREAMS]], false);
    this.clock = options.clock ?? systemClock;
    this.idleTimeoutMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
    this.armIdle();
    // The client closed its side: requests it had not finished never will; the answers to the rest
    // are still sent where the socket allows it (plaintext: half-open), then ours ends too.
    transport.on("end", () => this.onPeerEnd());
    // Connections are handed over paused (their first bytes were inspected and put back).
    transport.resume();
  }

  /** `fn` runs once the connection is gone, with why when it failed (a protocol error names the client's). */
  onClosed(fn: (err: Error | undefined) => void): void {
    if (this.state === State.Closed) fn(this.closeError);
    else this.closedListeners.push(fn);
  }

  /**
   * Graceful close in two steps, as RFC 9113 §6.8 asks: a GOAWAY naming the largest stream ID (open
   * no more, nothing refused) and a PING; once the PING is answered (or after
   * SHUTDOWN_PING_TIMEOUT_MS), every request the client sent before it saw that GOAWAY has arrived
   * and is being served, and the final GOAWAY names the last one. The streams in flight finish, then
   * the connection ends. A request that crossed a one-step GOAWAY would be refused.
   */
  close(): void {
    if (this.state !== State.Open || this.closing !== undefined) return;
    this.send(goawayFrame(MAX_STREAM_ID, H2Error.NoError));
    this.send(pingFrame(SHUTDOWN_PING));
    this.closing = this.clock.setTimeout(() => this.drain(), SHUTDOWN_PING_TIMEOUT_MS);
  }

  /** The final GOAWAY: no new streams; the connection ends when the last one finishes. */
  private drain(): void {
    this.closing?.cancel();
    if (this.state !== State.Open) return;
    this.state = State.Draining;
    this.send(goawayFrame(this.lastPeerId, H2Error.NoError));
    this.maybeFinish();
  }

  protected override onPingAck(payload: Buffer): void {
    if (this.closing !== undefined && payload.equals(SHUTDOWN_PING)) this.drain();
  }

  /** Closes the connection now; streams in flight end as if reset. */
  destroy(): void {
    if (this.state === State.Closed) return;
    this.send(goawayFrame(this.lastPeerId, H2Error.NoError));
    this.fail(codedError("the HTTP/2 session was closed by the proxy", "ERR_HTTP2_STREAM_CANCEL"));
  }

  // --- responses (through ServerStream) ---

  respond(stream: ServerStream, status: number, fields: string[], body: Buffer | null | undefined, neverIndexed?: readonly string[]): void {
    if (stream.done || stream.headersSent) return;
    stream.headersSent = true;
    if (stream.method === "HEAD" || status === 204 || status === 304) {
      stream.noBody = true;
      body = null;
    }
    if (body === null || (body !== undefined && body.length === 0)) {
      stream.ending = true;
      stream.localClosed = true;
      this.sendHeaders(stream.id, fields, true, neverIndexed);
      this.endIfDone(stream);
      return;
    }
    this.sendHeaders(stream.id, fields, false, neverIndexed);
    if (body !== undefined) {
      this.write(stream, body);
      this.end(stream);
    }
  }

  resetStream(stream: ServerStream, code: number): void {
    // Our own decision (the upstream failed mid-response, a deadline): the request body just stops.
    this.reset(stream, code, true, undefined);
  }

  // --- requests ---

  protected isIdle(id: number): boolean {
    return id > this.lastPeerId;
  }

  protected onHeaderFields(id: number, fields: string[], endStream: boolean): void {
    const open = this.streams.get(id);
    if (open !== undefined) return this.onTrailers(open, fields, endStream);
    if (id <= this.lastPeerId) {
      // A stream already over. Trailers on one we reset (or refused, or found malformed) may still
      // be on their way, and are dropped. Anything else is a new stream under an ID that is not
      // larger than every one before — a stream that was skipped is closed (RFC 9113 §5.1.1) — or
      // a second header block that does not end the stream: PROTOCOL_ERROR for the connection.
      // (nghttp2 drops them all, as it cannot tell them apart without remembering every stream;
      // the pseudo-headers and END_STREAM can.)
      if (fields.length > 0 && fields[0]!.charCodeAt(0) === 58 /* : */) {
        throw new SessionError(H2Error.Protocol, `HEADERS opening stream ${id}, not above the last stream ${this.lastPeerId}`);
      }
      if (!endStream) throw new SessionError(H2Error.Protocol, `HEADERS on closed stream ${id} that does not end it`);
      return;
    }
    this.lastPeerId = id;
    // Refused (closing, or at the limit): the client may retry it elsewhere; no work was started.
    if (this.state !== State.Open || this.streams.size >= MAX_CONCURRENT_STREAMS) {
      this.sendControl(rstStreamFrame(id, H2Error.RefusedStream));
      return;
    }
    this.opened++;
    let method = "";
    let scheme = "";
    let authority = "";
    let path = "";
    let regular = false;
    let size = 0;
    const headers: IncomingHttpHeaders = {};
    for (let i = 0; i < fields.length; i += 2) {
      const name = fields[i]!;
      const value = fields[i + 1]!;
      size += name.length + value.length + 32;
      if (size > this.maxHeaderBlock) return this.refuseOversized(id, endStream);
      if (name.charCodeAt(0) === 58 /* : */) {
        if (regular) return this.malformed(id, `pseudo-header ${name} after regular fields`);
        if (name === ":method" && method === "") method = value;
        else if (name === ":path" && path === "") path = value;
        else if (name === ":scheme" && scheme === "") scheme = value;
        else if (name === ":authority" && authority === "") authority = value;
        else return this.malformed(id, `pseudo-header ${name} repeated or unknown`);
        continue;
      }
      regular = true;
      const bad = badFieldName(name) ?? badFieldValue(name, value);
      if (bad !== undefined) return this.malformed(id, bad);
      if (name === "te" && value !== "trailers") return this.malformed(id, `te: ${value}`);
      addHeader(headers, name, value);
    }
    if (!TOKEN.test(method)) return this.malformed(id, method === "" ? "no :method" : `:method "${method}" is not a token`);
    if (method === "CONNECT") {
      if (authority === "" || scheme !== "" || path !== "") return this.malformed(id, "CONNECT needs :authority and no :scheme or :path");
    } else if (scheme === "" || !PATH.test(path)) return this.malformed(id, scheme === "" ? "no :scheme" : `:path "${path}" is not an origin-form path`);
    if (!AUTHORITY.test(authority)) return this.malformed(id, `:authority "${authority}" is not a host`);
    const stream = new ServerStream(this, id, method, scheme, authority, path, headers, this.streamWindow, this.clock.now());
    const length = headers["content-length"];
    if (length !== undefined) {
      if (!CONTENT_LENGTH.test(length)) return this.malformed(id, `content-length "${length}" is not a number`);
      stream.expected = Number(length);
      if (endStream && stream.expected !== 0) return this.malformed(id, `content-length ${length} on a request without a body`);
    }
    stream.sendWindow = this.peerInitialWindow;
    if (this.neverIndexed.length > 0) stream.neverIndexed = this.neverIndexed.slice();
    this.streams.set(id, stream);
    if (endStream) stream.remoteClosed = true;
    else stream.body = new StreamBody(this, stream);
    try {
      this.options.onStream(stream);
    } catch (err) {
      // A bug in the request path: this request fails, the connection and its other streams go on.
      this.resetStream(stream, H2Error.Internal);
      process.nextTick(() => {
        throw err;
      });
    }
  }

  /** A premature stream (reset at once, or malformed): past half of them, the connection ends. */
  private countPremature(): void {
    this.premature++;
    if (this.opened >= PREMATURE_MIN_STREAMS && this.premature * 2 > this.opened) {
      throw new SessionError(H2Error.EnhanceYourCalm, `${this.premature} of ${this.opened} streams reset at once or malformed`);
    }
  }

  private onTrailers(stream: ServerStream, fields: string[], endStream: boolean): void {
    if (stream.remoteClosed) return this.streamError(stream, H2Error.StreamClosed, "sent headers after ending the stream");
    if (!endStream) return this.streamError(stream, H2Error.Protocol, "sent a second header block that does not end the stream");
    const trailers = collectTrailers(fields, this.maxHeaderBlock, true, this.neverIndexed);
    if (typeof trailers === "string") return this.streamError(stream, H2Error.Protocol, `sent ${trailers}`);
    this.remoteEnd(stream, trailers);
  }

  protected onStreamData(stream: ServerStream, buf: Buffer, s: number, e: number, length: number, endStream: boolean): void {
    if (stream.expected >= 0) {
      stream.expected -= e - s;
      if (stream.expected < 0) return this.streamError(stream, H2Error.Protocol, "sent more DATA than its content-length");
    }
    stream.unacked += length;
    if (e > s && !stream.discarding && stream.body !== undefined && !stream.body.destroyed) {
      if (stream.body.push(buf.subarray(s, e))) this.credit(stream);
    } else this.credit(stream);
    if (endStream) this.remoteEnd(stream, undefined);
  }

  /** The client ended its side of a stream (with trailers, or none). */
  private remoteEnd(stream: ServerStream, trailers: IncomingHttpHeaders | undefined): void {
    if (stream.expected > 0) return this.streamError(stream, H2Error.Protocol, `ended the request ${stream.expected} bytes short of its content-length`);
    stream.remoteClosed = true;
    const body = stream.body;
    if (body !== undefined && !body.destroyed) body.finish(trailers);
    this.endIfDone(stream);
  }

  protected onReset(stream: ServerStream, code: number): void {
    if (!stream.headersSent && this.options.meshPeer !== true && this.clock.now() - stream.openedAt < PREMATURE_RESET_MS) this.countPremature();
    this.reset(stream, code, false, codedError(`the client reset the stream (RST_STREAM code ${code})`, "ERR_HTTP2_STREAM_ERROR"));
  }

  protected streamError(stream: ServerStream, code: number, why: string): void {
    this.reset(stream, code, true, codedError(`malformed request from the client: it ${why}`, "ERR_HTTP2_STREAM_ERROR"));
  }

  /** Ends a stream abnormally: RST_STREAM sent (ours) or received; a request body still arriving fails with `err`. */
  private reset(stream: ServerStream, code: number, send: boolean, err: Error | undefined): void {
    if (stream.done) return;
    if (send) this.sendReset(stream, code);
    stream.rstCode = code;
    this.finishStream(stream, err);
  }

  /** A request that breaks RFC 9113 §8.3 is reset with PROTOCOL_ERROR; the connection goes on. */
  private malformed(id: number, _why: string): void {
    this.countPremature();
    this.sendControl(rstStreamFrame(id, H2Error.Protocol));
  }

  /** A header list over the limit: 431, as HTTP/1.1 answers it. */
  private refuseOversized(id: number, endStream: boolean): void {
    this.countPremature();
    const stream = new ServerStream(this, id, "GET", "", "", "", {}, this.streamWindow, 0);
    stream.sendWindow = this.peerInitialWindow;
    stream.remoteClosed = endStream;
    stream.discarding = true;
    this.streams.set(id, stream);
    stream.respond(431, { "content-type": "text/plain" }, Buffer.from(`request header list over ${this.maxHeaderBlock} bytes\n`));
  }

  protected endIfDone(stream: ServerStream): void {
    if (!stream.localClosed) return;
    // The response is complete before the request: the rest of it is of no use (RFC 9113 §8.1).
    if (!stream.remoteClosed) this.sendReset(stream, H2Error.NoError);
    this.finishStream(stream, undefined);
  }

  private finishStream(stream: ServerStream, err: Error | undefined): void {
    if (stream.done) return;
    this.release(stream);
    this.streams.delete(stream.id);
    const body = stream.body;
    if (body !== undefined && !body.readableEnded && !body.destroyed) {
      body.rstCode = stream.rstCode;
      body.destroy(err);
    }
    stream.emitClose();
    if (this.state === State.Draining) this.maybeFinish();
    else if (this.streams.size === 0) this.armIdle();
  }

  // --- idle timeout: one timer per connection, moved on only when it fires ---

  private armIdle(): void {
    if (this.state !== State.Open) return;
    this.idleSince = this.clock.now();
    this.idleTimer ??= this.clock.setTimeout(() => this.onIdleTimer(), this.idleTimeoutMs);
  }

  private onIdleTimer(): void {
    this.idleTimer = undefined;
    if (this.state !== State.Open || this.streams.size > 0) return; // re-armed when the last stream ends
    const left = this.idleSince + this.idleTimeoutMs - this.clock.now();
    if (left > 0) {
      this.idleTimer = this.clock.setTimeout(() => this.onIdleTimer(), left);
      return;
    }
    this.close();
  }

  private stopTimers(): void {
    this.idleTimer?.cancel();
    this.closing?.cancel();
  }

  // --- lifecycle ---

  protected onGoaway(_last: number, code: number, debug: string): void {
    if (code !== H2Error.NoError) {
      this.fail(codedError(`the client ended the session (GOAWAY code ${code}${debug ? `: ${debug}` : ""})`, "ERR_HTTP2_SESSION_ERROR"));
      return;
    }
    // The client opens no more streams: the ones in flight finish, then the connection closes.
    this.drain();
  }

  /** After the client's half-close no WINDOW_UPDATE can come: a stream waiting for window never finishes. */
  protected override onWindowStall(stream: ServerStream): void {
    if (this.peerEnded) this.resetStream(stream, H2Error.Cancel);
  }

  private onPeerEnd(): void {
    this.peerEnded = true;
    const gone = codedError("the client closed the connection before the request ended", "ECONNRESET");
    for (const stream of [...this.streams.values()]) {
      if (!stream.remoteClosed) this.reset(stream, H2Error.Cancel, false, gone);
      else if (stream.queue.length > 0 && Math.min(stream.sendWindow, this.connectionWindow()) <= 0) this.resetStream(stream, H2Error.Cancel);
    }
    this.drain(); // nothing more can come from the client, a PING's answer neither
  }

  private maybeFinish(): void {
    if (this.state !== State.Draining || this.streams.size > 0) return;
    this.flushNow();
    this.state = State.Closed;
    this.stopTimers();
    this.socket.end();
    for (const fn of this.closedListeners.splice(0)) fn(undefined);
  }

  protected onSocketClose(): void {
    this.fail(codedError("the client closed the connection", "ECONNRESET"));
  }

  /** The connection is gone (error, close, protocol failure): every stream ends as if reset. */
  protected fail(err: Error): void {
    if (this.state === State.Closed) return;
    if (err instanceof SessionError) {
      this.send(goawayFrame(this.lastPeerId, err.h2Code, err.message));
      err = codedError(`HTTP/2 protocol error from the client: ${err.message}`, "ERR_HTTP2_SESSION_ERROR");
    }
    this.flushNow();
    this.state = State.Closed;
    this.stopTimers();
    this.closeError = err;
    for (const stream of [...this.streams.values()]) this.finishStream(stream, err);
    if (!this.socket.destroyed) this.socket.destroy();
    for (const fn of this.closedListeners.splice(0)) fn(err);
  }
}
