// An HTTP/2 client connection (RFC 9113) of the kind the HTTP/1.1 pool is: frames parsed and built
// here, HPACK (hpack.ts) for header blocks, no per-stream node:http2 objects. A request is a plain
// object; its response body is a Readable only when the body did not arrive with the headers (a
// small answer is handed over as one Buffer, as the HTTP/1.1 pool does). Flow control both ways
// (request bodies wait for the peer's windows; response bodies credit the peer as they are read),
// SETTINGS, PING, GOAWAY, RST_STREAM, CONTINUATION, MAX_CONCURRENT_STREAMS (requests over the
// limit wait). Frames written in one turn of the event loop leave in one socket write (one TLS record).
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { codedError } from "../core/errors";
import { goawayFrame, H2Error, Setting } from "./frames";
import { ClientStream, type ClientResponse } from "./client-stream";
import { Connection, SessionError, State, type SessionSocket } from "./connection";
import { StreamBody } from "./stream";
import { addHeader, badFieldName, collectTrailers, neverIndexedOf, toTrailerFields } from "./fields";

export type { SessionSocket };

export interface ClientSessionOptions {
  /** Receive window per stream, bytes (advertised as SETTINGS_INITIAL_WINDOW_SIZE). */
  streamWindow: number;
  /** Receive window of the connection, bytes. */
  sessionWindow: number;
  /** A session without streams for this long closes, ms. */
  idleTimeoutMs: number;
  /** Largest header block accepted from the peer, bytes. */
  maxHeaderBlock?: number;
  /** After the stream with this ID the session takes no new streams (IDs are 31 bits); default 2^30. */
  maxStreamId?: number;
}

/** Stream IDs are 31 bits: a session this old stops taking streams (well before the last ID) and a new one opens. */
const RETIRE_AFTER_STREAM_ID = 2 ** 30;

/**
 * A request the upstream never processed: refused by its GOAWAY or with REFUSED_STREAM (RFC 9113
 * §8.7), or never sent because the session was closing. Safe to send again on another connection.
 */
export function wasNotProcessed(err: unknown): boolean {
  return (err as { notProcessed?: boolean } | null)?.notProcessed === true;
}

function notProcessed(message: string, code: string): Error {
  return Object.assign(codedError(message, code), { notProcessed: true });
}

export class ClientSession extends Connection<ClientStream> {
  /** Streams waiting for a slot under the peer's MAX_CONCURRENT_STREAMS. */
  private readonly waiting: ClientStream[] = [];
  private nextId = 1;
  /** Streams resolved in the current read, to be handed over once the read is parsed. */
  private readonly answered: ClientStream[] = [];
  private idleTimer: NodeJS.Timeout | undefined = undefined;
  private idleSince = 0;
  private closeError: Error | undefined = undefined;
  /** Why new streams are refused after a GOAWAY. */
  private refusal: Error | undefined = undefined;
  private readonly retiredListeners: Array<() => void> = [];

  constructor(
    socket: SessionSocket,
    private readonly options: ClientSessionOptions,
  ) {
    super(socket, options.streamWindow, options.sessionWindow, options.maxHeaderBlock, [[Setting.EnablePush, 0]], true);
    this.armIdle();
  }

  /** No new streams may start (closed, draining after GOAWAY, or failed). */
  get closed(): boolean {
    return this.state !== State.Open;
  }

  /** `fn` runs once the session takes no new streams (GOAWAY, closing, worn out, or failed). */
  onRetired(fn: () => void): void {
    if (this.state !== State.Open) fn();
    else this.retiredListeners.push(fn);
  }

  /**
   * Sends a request: `fields` are flat name/value pairs, pseudo-headers first. `body` null ends the
   * stream with the headers; a Buffer is sent whole; a Readable is streamed with backpressure.
   */
  request(fields: string[], body: Readable | Buffer | null, neverIndexed?: readonly string[]): { stream: ClientStream; response: Promise<ClientResponse> } {
    let stream!: ClientStream;
    const response = new Promise<ClientResponse>((resolve, reject) => {
      stream = new ClientStream(this, fields, this.options.streamWindow, resolve, reject);
    });
    stream.pendingNeverIndexed = neverIndexed;
    if (this.state !== State.Open) {
      stream.done = true;
      const why = this.closeError ?? this.refusal;
      stream.reject!(notProcessed(why?.message ?? "the HTTP/2 session to the upstream is closing", (why as { code?: string } | undefined)?.code ?? "ERR_HTTP2_GOAWAY_SESSION"));
      return { stream, response };
    }
    stream.head = fields[0] === ":method" && fields[1] === "HEAD";
    if (body === null) stream.ending = true;
    else if (Buffer.isBuffer(body)) {
      if (body.length > 0) {
        stream.queue.push(body);
        stream.queued = body.length;
      }
      stream.ending = true;
    } else this.attachSource(stream, body);
    if (this.streams.size < this.peerMaxConcurrent) this.open(stream);
    else this.waiting.push(stream);
    this.disarmIdle();
    return { stream, response };
  }

  /** Stops new streams; the connection closes (GOAWAY, end) when the last stream finishes. */
  close(): void {
    if (this.state !== State.Open) return;
    this.state = State.Draining;
    this.maybeFinish();
  }

  /** Takes no new streams from now on (the pool opens another session); the ones in flight finish. */
  private retire(): void {
    this.state = State.Draining;
    for (const fn of this.retiredListeners.splice(0)) fn();
    this.maybeFinish();
  }

  /** Closes the connection now; streams in flight fail. */
  destroy(err?: Error): void {
    if (this.state === State.Closed) return;
    this.send(goawayFrame(0, H2Error.NoError));
    this.fail(err ?? codedError("the HTTP/2 session was closed by the proxy", "ERR_HTTP2_STREAM_CANCEL"));
  }

  // --- sending ---

  private open(stream: ClientStream): void {
    const id = this.nextId;
    this.nextId += 2;
    stream.id = id;
    stream.sendWindow = this.peerInitialWindow;
    this.streams.set(id, stream);
    if (this.nextId > (this.options.maxStreamId ?? RETIRE_AFTER_STREAM_ID) && this.state === State.Open) this.retire();
    const fields = stream.pendingHeaders!;
    stream.pendingHeaders = undefined;
    const endStream = stream.ending && stream.queued === 0 && stream.trailers === undefined;
    this.sendHeaders(id, fields, endStream, stream.pendingNeverIndexed);
    stream.pendingNeverIndexed = undefined;
    if (endStream) stream.localClosed = true;
    else this.pump(stream);
  }

  private attachSource(stream: ClientStream, source: Readable): void {
    stream.source = source;
    const onData = (chunk: Buffer) => {
      if (stream.done) return;
      if (!this.write(stream, chunk) && !stream.sourcePaused) {
        stream.sourcePaused = true;
        source.pause();
      }
    };
    // The request's trailers (an HTTP/2 or chunked HTTP/1.1 client's) come just before its end.
    let trailers: IncomingHttpHeaders | undefined;
    const onTrailers = (t: IncomingHttpHeaders) => (trailers = t);
    const onEnd = () => {
      cleanup();
      if (trailers === undefined) this.end(stream);
      else this.end(stream, toTrailerFields(trailers), neverIndexedOf(trailers));
    };
    // Destroyed before its end (a client gone, a mirror copy dropped): the upstream gets no more.
    const onClose = () => {
      cleanup();
      stream.cancel(H2Error.Cancel);
    };
    const cleanup = () => {
      source.off("data", onData).off("end", onEnd).off("close", onClose).off("trailers", onTrailers);
      stream.source = undefined;
      stream.detach = undefined;
    };
    stream.detach = cleanup;
    source.on("data", onData).once("end", onEnd).once("close", onClose).once("trailers", onTrailers);
    // The exchange hands bodies over paused (so this reader sees the first chunk).
    source.resume();
  }

  // --- receiving ---

  protected isIdle(id: number): boolean {
    return id >= this.nextId;
  }

  protected override afterRead(): void {
    if (this.answered.length > 0) this.handOver();
  }

  protected onStreamData(stream: ClientStream, buf: Buffer, s: number, e: number, length: number, endStream: boolean): void {
    if (!stream.responded) return this.streamError(stream, H2Error.Protocol, "sent DATA before response headers");
    if (stream.expected >= 0) {
      stream.expected -= e - s;
      if (stream.expected < 0) return this.malformed(stream, "more DATA than its content-length");
    }
    if (e > s) {
      const chunk = buf.subarray(s, e);
      if (stream.early !== undefined) {
        stream.early.push(chunk);
        stream.unacked += length - (e - s); // padding: credited with the rest when the body is handed over
      } else {
        const body = stream.body!;
        stream.unacked += length;
        if (body.push(chunk)) this.credit(stream);
      }
    } else if (length > 0) {
      stream.unacked += length; // padding only: credit it back
      this.credit(stream);
    }
    if (endStream) this.remoteEnd(stream, undefined);
  }

  protected onReset(stream: ClientStream, code: number): void {
    const message = `stream closed before response headers (RST_STREAM code ${code})`;
    this.reset(stream, code, code === H2Error.RefusedStream ? notProcessed(message, "ERR_HTTP2_STREAM_ERROR") : codedError(message, "ERR_HTTP2_STREAM_ERROR"), false);
  }

  protected streamError(stream: ClientStream, code: number, why: string): void {
    this.reset(stream, code, codedError(`the upstream ${why}`, "ERR_HTTP2_STREAM_ERROR"), true);
  }

  protected onHeaderFields(id: number, fields: string[], endStream: boolean): void {
    const stream = this.streams.get(id);
    if (stream === undefined) {
      if (id >= this.nextId) throw new SessionError(H2Error.Protocol, `HEADERS on idle stream ${id}`);
      return; // reset by us; the block still had to be decoded (HPACK state)
    }
    if (stream.remoteClosed) return this.streamError(stream, H2Error.StreamClosed, "sent headers after ending the stream");
    // Decoded size (RFC 9113 §6.5.2), checked before repeated fields are joined.
    let size = 0;
    if (!stream.responded) {
      let status = 0;
      const headers: IncomingHttpHeaders = {};
      for (let i = 0; i < fields.length; i += 2) {
        const name = fields[i]!;
        const value = fields[i + 1]!;
        size += name.length + value.length + 32;
        if (size > this.maxHeaderBlock) return this.oversized(stream);
        if (name.charCodeAt(0) === 58 /* : */) {
          if (name !== ":status" || i !== 0) return this.malformed(stream, `pseudo-header ${name} ${name === ":status" ? "after other fields" : "in a response"}`);
          status = Number(value);
          continue;
        }
        const bad = badFieldName(name);
        if (bad !== undefined) return this.malformed(stream, bad);
        addHeader(headers, name, value);
      }
      if (!(status >= 100 && status <= 999)) return this.malformed(stream, "response without a valid :status");
      if (status < 200) {
        if (endStream) return this.malformed(stream, `informational ${status} response ended the stream`);
        return; // 1xx: the final response follows
      }
      stream.responded = true;
      stream.status = status;
      stream.headers = headers;
      if (this.neverIndexed.length > 0) stream.neverIndexed = this.neverIndexed.slice();
      const length = headers["content-length"];
      if (length !== undefined && !stream.head && status !== 204 && status !== 304) {
        stream.expected = /^\d{1,15}$/.test(length) ? Number(length) : -2;
        if (stream.expected === -2) return this.malformed(stream, `content-length "${length}" is not a number`);
      }
      if (endStream) stream.earlyEnded = true;
      else stream.early = [];
      this.answered.push(stream);
      if (endStream) this.remoteEnd(stream, undefined);
      return;
    }
    // Trailers.
    if (!endStream) return this.malformed(stream, "a second header block that does not end the stream");
    const trailers = collectTrailers(fields, this.maxHeaderBlock, false, this.neverIndexed);
    if (typeof trailers === "string") return this.malformed(stream, trailers);
    this.remoteEnd(stream, trailers);
  }

  /** The peer ended its side of a stream (with trailers, or none). */
  private remoteEnd(stream: ClientStream, trailers: IncomingHttpHeaders | undefined): void {
    if (stream.expected > 0) return this.malformed(stream, `the stream ended ${stream.expected} bytes short of its content-length`);
    if (stream.early !== undefined || stream.body === undefined) {
      // Not handed over yet: decide in handOver().
      stream.earlyEnded = true;
      stream.earlyTrailers = trailers;
    } else stream.body.finish(trailers);
    stream.remoteClosed = true;
    this.endIfDone(stream);
  }

  /** Resolves the responses that arrived in this read: whole bodies as one Buffer, the rest as streams. */
  private handOver(): void {
    const answered = this.answered;
    for (let i = 0; i < answered.length; i++) {
      const stream = answered[i]!;
      const resolve = stream.resolve;
      const reject = stream.reject;
      if (resolve === undefined || reject === undefined) continue;
      stream.resolve = stream.reject = undefined;
      // Reset in the same read (a RST_STREAM NO_ERROR after a complete response is no failure).
      if (stream.failure !== undefined && !(stream.rstCode === H2Error.NoError && stream.earlyEnded)) {
        reject(stream.failure);
        continue;
      }
      const early = stream.early;
      stream.early = undefined;
      let body: StreamBody | Buffer | null;
      if (early === undefined) body = null;
      else if (stream.earlyEnded && stream.earlyTrailers === undefined) {
        body = early.length === 1 ? early[0]! : Buffer.concat(early);
        stream.unacked += body.length;
        this.credit(stream);
        if (body.length === 0) body = null;
      } else {
        const readable = new StreamBody(this, stream);
        stream.body = body = readable;
        for (const chunk of early) {
          stream.unacked += chunk.length;
          readable.push(chunk);
        }
        if (stream.earlyEnded) readable.finish(stream.earlyTrailers);
      }
      resolve({ status: stream.status, headers: stream.headers!, body, neverIndexed: stream.neverIndexed });
    }
    answered.length = 0;
  }

  private oversized(stream: ClientStream): void {
    this.malformed(stream, `header list over ${this.maxHeaderBlock} bytes`);
  }

  private malformed(stream: ClientStream, why: string): void {
    this.reset(stream, H2Error.Protocol, codedError(`malformed response from the upstream: ${why}`, "ERR_HTTP2_STREAM_ERROR"), true);
  }

  /** Ends a stream abnormally: RST_STREAM sent (ours) or received; its response or body fails. */
  reset(stream: ClientStream, code: number, err: Error, sendRst: boolean): void {
    if (stream.done) return;
    if (sendRst) this.sendReset(stream, code);
    stream.rstCode = code;
    this.finishStream(stream);
    const reject = stream.reject;
    if (reject !== undefined && stream.resolve !== undefined) {
      // Headers that came in this read are handed over at its end (handOver decides then).
      if (stream.responded) stream.failure = err; // still in `answered`
      else {
        stream.resolve = stream.reject = undefined;
        reject(err);
      }
      return;
    }
    const body = stream.body;
    if (body !== undefined && !body.destroyed) {
      body.rstCode = code;
      if (code === H2Error.NoError && stream.remoteClosed) return;
      // Our own cancel (the client went, a deadline, the reader let go) is nobody's error, as in node:http2.
      if (sendRst && code === H2Error.Cancel) body.destroy();
      else body.destroy(codedError(`the upstream reset the stream (RST_STREAM code ${code})`, "ERR_HTTP2_STREAM_ERROR"));
    }
  }

  protected endIfDone(stream: ClientStream): void {
    if (stream.localClosed && stream.remoteClosed) this.finishStream(stream);
  }

  private finishStream(stream: ClientStream): void {
    if (stream.done) return;
    this.release(stream);
    if (stream.id === 0) {
      const at = this.waiting.indexOf(stream);
      if (at >= 0) this.waiting.splice(at, 1);
    } else if (this.streams.delete(stream.id)) {
      while (this.waiting.length > 0 && this.streams.size < this.peerMaxConcurrent) this.open(this.waiting.shift()!);
    }
    if (this.streams.size === 0 && this.waiting.length === 0) {
      if (this.state === State.Draining) this.maybeFinish();
      else this.armIdle();
    }
  }

  /** A stream is over: nothing more to send, its request body source let go (resumed if we paused it). */
  protected override release(stream: ClientStream): void {
    super.release(stream);
    if (stream.source !== undefined) {
      if (stream.sourcePaused) stream.source.resume();
      stream.detach?.();
    }
  }

  protected override afterSettings(): void {
    while (this.waiting.length > 0 && this.streams.size < this.peerMaxConcurrent) this.open(this.waiting.shift()!);
  }

  protected onGoaway(last: number, code: number, debug: string): void {
    if (this.state === State.Open) this.state = State.Draining;
    const why = `the upstream closed the session (GOAWAY code ${code}${debug ? `: ${debug}` : ""}) before handling the request`;
    // Streams the peer will not process: never reached the application, safe to retry elsewhere.
    const queued = this.waiting.splice(0);
    for (const stream of [...queued, ...this.streams.values()]) {
      if (stream.id === 0 || stream.id > last) this.reset(stream, H2Error.RefusedStream, notProcessed(why, "ERR_HTTP2_GOAWAY_SESSION"), false);
    }
    this.refusal = codedError(why, "ERR_HTTP2_GOAWAY_SESSION");
    for (const fn of this.retiredListeners.splice(0)) fn();
    this.maybeFinish();
  }

  // --- lifecycle ---

  private maybeFinish(): void {
    if (this.state !== State.Draining || this.streams.size > 0 || this.waiting.length > 0) return;
    this.send(goawayFrame(0, H2Error.NoError));
    this.state = State.Closed;
    this.disarmIdle();
    this.flushNow();
    this.socket.end();
    for (const fn of this.retiredListeners.splice(0)) fn();
  }

  protected onSocketClose(): void {
    this.fail(this.closeError ?? codedError("the upstream closed the connection", "ECONNRESET"));
  }

  /** The connection is gone (error, close, protocol failure): every stream fails with `err`. */
  protected fail(err: Error): void {
    if (err instanceof SessionError && this.state !== State.Closed) {
      this.send(goawayFrame(0, err.h2Code, err.message)); // 0: the server started no streams of ours to keep
      err = codedError(`HTTP/2 protocol error from the upstream: ${err.message}`, "ERR_HTTP2_SESSION_ERROR");
    }
    if (this.state === State.Closed) {
      this.failStreams(err);
      return;
    }
    this.closeError ??= err;
    this.state = State.Closed;
    this.disarmIdle();
    this.flushNow();
    this.failStreams(err);
    if (!this.socket.destroyed) this.socket.destroy();
    for (const fn of this.retiredListeners.splice(0)) fn();
  }

  private failStreams(err: Error): void {
    const all = [...this.waiting, ...this.streams.values()];
    this.waiting.length = 0;
    this.answered.length = 0;
    for (const stream of all) {
      if (stream.done) continue;
      this.release(stream);
      this.streams.delete(stream.id);
      const reject = stream.reject;
      if (reject !== undefined && stream.resolve !== undefined) {
        stream.resolve = stream.reject = undefined;
        reject(err);
      } else if (stream.body !== undefined && !stream.body.readableEnded) stream.body.destroy(err);
    }
  }

  private armIdle(): void {
    if (this.state !== State.Open) return;
    this.idleSince = performance.now();
    if (this.idleTimer === undefined) {
      this.idleTimer = setTimeout(() => this.onIdleTimer(), this.options.idleTimeoutMs);
      this.idleTimer.unref();
    }
  }

  private disarmIdle(): void {
    this.idleSince = 0;
    if (this.state !== State.Open && this.idleTimer !== undefined) {
      clearTimeout(this.idleTimer);
      this.idleTimer = undefined;
    }
  }

  private onIdleTimer(): void {
    this.idleTimer = undefined;
    if (this.state !== State.Open || this.idleSince === 0) return;
    const left = this.idleSince + this.options.idleTimeoutMs - performance.now();
    if (left > 1) {
      this.idleTimer = setTimeout(() => this.onIdleTimer(), left);
      this.idleTimer.unref();
      return;
    }
    this.close();
  }
}
