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
import {
  DEFAULT_MAX_FRAME,
  DEFAULT_WINDOW,
  Flag,
  FRAME_HEADER,
  FrameType,
  goawayFrame,
  H2Error,
  MAX_WINDOW,
  PREFACE,
  rstStreamFrame,
  Setting,
  SETTINGS_ACK,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
} from "./frames";
import { ClientStream, ResponseBody, type ClientResponse } from "./client-stream";
import { addHeader, badFieldName } from "./fields";
import { HpackDecoder, HpackEncoder, HpackError } from "./hpack";

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

/** The socket the session runs over: connected (or connecting) TCP or TLS. */
export interface SessionSocket {
  write(data: Buffer): boolean;
  cork(): void;
  uncork(): void;
  end(): unknown;
  destroy(err?: Error): unknown;
  pause(): unknown;
  resume(): unknown;
  readonly destroyed: boolean;
  on(event: "data", fn: (data: Buffer) => void): unknown;
  on(event: "drain", fn: () => void): unknown;
  on(event: "error", fn: (err: Error) => void): unknown;
  on(event: "close", fn: () => void): unknown;
}

const enum State {
  Open,
  /** The peer sent GOAWAY or we asked to close: no new streams; closes when the last one ends. */
  Draining,
  Closed,
}

/** Stream IDs are 31 bits: a session this old stops taking streams (well before the last ID) and a new one opens. */
const MAX_STREAM_ID = 2 ** 30;

/** Request bytes a stream buffers (waiting for flow-control window) before pausing its source. */
const SEND_BUFFER = 64 * 1024;
const DEFAULT_MAX_HEADER_BLOCK = 256 * 1024;

export class ClientSession {
  private state = State.Open;
  private readonly decoder = new HpackDecoder(4096);
  private readonly encoder = new HpackEncoder();
  private readonly streams = new Map<number, ClientStream>();
  /** Streams waiting for a slot under the peer's MAX_CONCURRENT_STREAMS. */
  private readonly waiting: ClientStream[] = [];
  /** Streams with request bytes waiting for the connection window. */
  private readonly blocked = new Set<ClientStream>();
  private nextId = 1;
  private maxConcurrent = Number.POSITIVE_INFINITY;
  private peerInitialWindow = DEFAULT_WINDOW;
  private peerMaxFrame = DEFAULT_MAX_FRAME;
  private sendWindow = DEFAULT_WINDOW;
  private recvUnacked = 0;
  private pending: Buffer | null = null;
  /** Header block being assembled across CONTINUATION frames. */
  private headerStream = 0;
  private headerEnd = false;
  private headerParts: Buffer[] = [];
  private headerBytes = 0;
  private corked = false;
  private socketBlocked = false;
  /** Streams resolved in the current read, to be handed over once the read is parsed. */
  private readonly answered: ClientStream[] = [];
  private idleTimer: NodeJS.Timeout | undefined = undefined;
  private idleSince = 0;
  private readonly maxHeaderBlock: number;
  private closeError: Error | undefined = undefined;
  /** Why new streams are refused after a GOAWAY. */
  private refusal: Error | undefined = undefined;
  private readonly retiredListeners: Array<() => void> = [];
  private readonly flush = () => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    private readonly socket: SessionSocket,
    private readonly options: ClientSessionOptions,
  ) {
    this.maxHeaderBlock = options.maxHeaderBlock ?? DEFAULT_MAX_HEADER_BLOCK;
    this.send(PREFACE);
    this.send(
      settingsFrame([
        [Setting.EnablePush, 0],
        [Setting.InitialWindowSize, options.streamWindow],
        [Setting.MaxHeaderListSize, this.maxHeaderBlock],
      ]),
    );
    if (options.sessionWindow > DEFAULT_WINDOW) this.send(windowUpdateFrame(0, options.sessionWindow - DEFAULT_WINDOW));
    socket.on("data", (data) => this.onData(data));
    socket.on("drain", () => this.onDrain());
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.fail(this.closeError ?? codedError("the upstream closed the connection", "ECONNRESET")));
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
  request(fields: string[], body: Readable | Buffer | null): { stream: ClientStream; response: Promise<ClientResponse> } {
    let stream!: ClientStream;
    const response = new Promise<ClientResponse>((resolve, reject) => {
      stream = new ClientStream(this, fields, this.options.streamWindow, resolve, reject);
    });
    if (this.state !== State.Open) {
      stream.done = true;
      stream.reject!(this.closeError ?? this.refusal ?? codedError("the HTTP/2 session to the upstream is closing", "ERR_HTTP2_GOAWAY_SESSION"));
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
    if (this.streams.size < this.maxConcurrent) this.open(stream);
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

  private send(buf: Buffer): void {
    if (this.state === State.Closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.flush);
    }
    if (!this.socket.write(buf)) this.socketBlocked = true;
  }

  private open(stream: ClientStream): void {
    const id = this.nextId;
    this.nextId += 2;
    stream.id = id;
    stream.sendWindow = this.peerInitialWindow;
    this.streams.set(id, stream);
    if (this.nextId > (this.options.maxStreamId ?? MAX_STREAM_ID) && this.state === State.Open) this.retire();
    const block = this.encoder.encode(stream.pendingHeaders!, FRAME_HEADER);
    stream.pendingHeaders = undefined;
    const endStream = stream.ending && stream.queued === 0;
    this.sendHeaderBlock(id, block, endStream);
    if (endStream) stream.localClosed = true;
    else this.pump(stream);
  }

  /** A header block (encoded after FRAME_HEADER octets of room): one HEADERS frame, or HEADERS + CONTINUATIONs. */
  private sendHeaderBlock(id: number, block: Buffer, endStream: boolean): void {
    const length = block.length - FRAME_HEADER;
    const max = this.peerMaxFrame;
    if (length <= max) {
      writeFrameHeader(block, 0, length, FrameType.Headers, Flag.EndHeaders | (endStream ? Flag.EndStream : 0), id);
      this.send(block);
      return;
    }
    let at = FRAME_HEADER;
    let type = FrameType.Headers;
    while (at < block.length) {
      const n = Math.min(max, block.length - at);
      const last = at + n === block.length;
      const head = Buffer.allocUnsafe(FRAME_HEADER);
      writeFrameHeader(head, 0, n, type, (last ? Flag.EndHeaders : 0) | (type === FrameType.Headers && endStream ? Flag.EndStream : 0), id);
      this.send(head);
      this.send(block.subarray(at, at + n));
      at += n;
      type = FrameType.Continuation;
    }
  }

  private attachSource(stream: ClientStream, source: Readable): void {
    stream.source = source;
    const onData = (chunk: Buffer) => {
      if (stream.done) return;
      stream.queue.push(chunk);
      stream.queued += chunk.length;
      if (stream.id !== 0) this.pump(stream);
      if ((stream.queued > SEND_BUFFER || this.socketBlocked) && !stream.sourcePaused) {
        stream.sourcePaused = true;
        source.pause();
      }
    };
    const onEnd = () => {
      cleanup();
      if (stream.done) return;
      stream.ending = true;
      if (stream.id !== 0) this.pump(stream);
    };
    // Destroyed before its end (a client gone, a mirror copy dropped): the upstream gets no more.
    const onClose = () => {
      cleanup();
      stream.cancel(H2Error.Cancel);
    };
    const cleanup = () => {
      source.off("data", onData).off("end", onEnd).off("close", onClose);
      stream.source = undefined;
      stream.detach = undefined;
    };
    stream.detach = cleanup;
    source.on("data", onData).once("end", onEnd).once("close", onClose);
    // The exchange hands bodies over paused (so this reader sees the first chunk).
    source.resume();
  }

  /** Sends what the windows allow of a stream's queued request body, then END_STREAM. */
  private pump(stream: ClientStream): void {
    const queue = stream.queue;
    while (queue.length > 0 && !stream.done) {
      const window = Math.min(stream.sendWindow, this.sendWindow);
      if (window <= 0) {
        if (this.sendWindow <= 0) this.blocked.add(stream);
        return;
      }
      const chunk = queue[0]!;
      const n = Math.min(chunk.length, window, this.peerMaxFrame);
      const last = n === chunk.length && queue.length === 1 && stream.ending;
      const head = Buffer.allocUnsafe(FRAME_HEADER);
      writeFrameHeader(head, 0, n, FrameType.Data, last ? Flag.EndStream : 0, stream.id);
      this.send(head);
      if (n === chunk.length) {
        this.send(chunk);
        queue.shift();
      } else {
        this.send(chunk.subarray(0, n));
        queue[0] = chunk.subarray(n);
      }
      stream.queued -= n;
      stream.sendWindow -= n;
      this.sendWindow -= n;
      if (last) {
        stream.localClosed = true;
        this.endIfDone(stream);
        return;
      }
    }
    if (stream.done) return;
    if (stream.sourcePaused && stream.queued < SEND_BUFFER / 2 && !this.socketBlocked) {
      stream.sourcePaused = false;
      stream.source?.resume();
    }
    if (queue.length === 0 && stream.ending && !stream.localClosed) {
      const end = Buffer.allocUnsafe(FRAME_HEADER);
      writeFrameHeader(end, 0, 0, FrameType.Data, Flag.EndStream, stream.id);
      this.send(end);
      stream.localClosed = true;
      this.endIfDone(stream);
    }
  }

  private onDrain(): void {
    this.socketBlocked = false;
    for (const stream of this.streams.values()) if (stream.sourcePaused) this.pump(stream);
  }

  /** The reader took body bytes: give the peer its window back once half of it is used. */
  credit(stream: ClientStream): void {
    if (stream.unacked < this.options.streamWindow / 2 || stream.done || this.state === State.Closed) return;
    this.send(windowUpdateFrame(stream.id, stream.unacked));
    stream.recvWindow += stream.unacked;
    stream.unacked = 0;
  }

  // --- receiving ---

  private onData(data: Buffer): void {
    let buf = data;
    if (this.pending !== null) {
      buf = Buffer.concat([this.pending, data]);
      this.pending = null;
    }
    let at = 0;
    const end = buf.length;
    try {
      while (end - at >= FRAME_HEADER && this.state !== State.Closed) {
        const length = (buf[at]! << 16) | (buf[at + 1]! << 8) | buf[at + 2]!;
        if (length > DEFAULT_MAX_FRAME) throw new SessionError(H2Error.FrameSize, `frame of ${length} bytes exceeds SETTINGS_MAX_FRAME_SIZE (${DEFAULT_MAX_FRAME})`);
        if (end - at < FRAME_HEADER + length) break;
        const type = buf[at + 3]!;
        const flags = buf[at + 4]!;
        const id = buf.readUInt32BE(at + 5) & 0x7fffffff;
        const start = at + FRAME_HEADER;
        at = start + length;
        this.onFrame(type, flags, id, buf, start, at);
      }
    } catch (err) {
      this.protocolFailure(err);
      return;
    }
    if (at < end && this.state !== State.Closed) this.pending = buf.subarray(at);
    if (this.answered.length > 0) this.handOver();
    if (this.recvUnacked >= this.options.sessionWindow / 2 && this.state !== State.Closed) {
      this.send(windowUpdateFrame(0, this.recvUnacked));
      this.recvUnacked = 0;
    }
  }

  private onFrame(type: number, flags: number, id: number, buf: Buffer, start: number, end: number): void {
    if (this.headerStream !== 0 && type !== FrameType.Continuation) {
      throw new SessionError(H2Error.Protocol, `expected CONTINUATION for stream ${this.headerStream}, got frame type ${type}`);
    }
    switch (type) {
      case FrameType.Data:
        return this.onDataFrame(flags, id, buf, start, end);
      case FrameType.Headers: {
        if (id === 0 || id % 2 === 0) throw new SessionError(H2Error.Protocol, `HEADERS on stream ${id}`);
        const e = contentEnd(flags, buf, start, end, "HEADERS");
        let s = flags & Flag.Padded ? start + 1 : start;
        if (flags & Flag.Priority) s += 5;
        if (e < s) throw new SessionError(H2Error.FrameSize, "HEADERS too short for its priority fields");
        this.headerEnd = (flags & Flag.EndStream) !== 0;
        if (flags & Flag.EndHeaders) return this.onHeaderBlock(id, buf, s, e);
        this.headerStream = id;
        this.headerParts = [buf.subarray(s, e)];
        this.headerBytes = e - s;
        return;
      }
      case FrameType.Continuation: {
        if (this.headerStream === 0 || id !== this.headerStream) throw new SessionError(H2Error.Protocol, `unexpected CONTINUATION on stream ${id}`);
        this.headerParts.push(buf.subarray(start, end));
        this.headerBytes += end - start + FRAME_HEADER; // empty CONTINUATIONs count too
        if (this.headerBytes > this.maxHeaderBlock) throw new SessionError(H2Error.EnhanceYourCalm, `header block over ${this.maxHeaderBlock} bytes`);
        if (flags & Flag.EndHeaders) {
          const block = Buffer.concat(this.headerParts);
          this.headerStream = 0;
          this.headerParts = [];
          this.onHeaderBlock(id, block, 0, block.length);
        }
        return;
      }
      case FrameType.Priority:
        if (end - start !== 5) throw new SessionError(H2Error.FrameSize, "PRIORITY frame not 5 bytes");
        return;
      case FrameType.RstStream: {
        if (end - start !== 4) throw new SessionError(H2Error.FrameSize, "RST_STREAM frame not 4 bytes");
        if (id === 0) throw new SessionError(H2Error.Protocol, "RST_STREAM on stream 0");
        const stream = this.streams.get(id);
        if (stream === undefined) {
          if (id >= this.nextId) throw new SessionError(H2Error.Protocol, `RST_STREAM on idle stream ${id}`);
          return;
        }
        const code = buf.readUInt32BE(start);
        this.reset(stream, code, codedError(`stream closed before response headers (RST_STREAM code ${code})`, "ERR_HTTP2_STREAM_ERROR"), false);
        return;
      }
      case FrameType.Settings:
        return this.onSettings(flags, id, buf, start, end);
      case FrameType.PushPromise:
        throw new SessionError(H2Error.Protocol, "PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0");
      case FrameType.Ping:
        if (id !== 0) throw new SessionError(H2Error.Protocol, "PING on a stream");
        if (end - start !== 8) throw new SessionError(H2Error.FrameSize, "PING frame not 8 bytes");
        if (!(flags & Flag.Ack)) {
          const ack = Buffer.allocUnsafe(FRAME_HEADER + 8);
          writeFrameHeader(ack, 0, 8, FrameType.Ping, Flag.Ack, 0);
          buf.copy(ack, FRAME_HEADER, start, end);
          this.send(ack);
        }
        return;
      case FrameType.Goaway:
        return this.onGoaway(buf, start, end);
      case FrameType.WindowUpdate:
        return this.onWindowUpdate(id, buf, start, end);
      default:
        return; // unknown frame types are ignored (RFC 9113 §4.1)
    }
  }

  private onDataFrame(flags: number, id: number, buf: Buffer, start: number, end: number): void {
    if (id === 0) throw new SessionError(H2Error.Protocol, "DATA on stream 0");
    const length = end - start;
    this.recvUnacked += length;
    const e = contentEnd(flags, buf, start, end, "DATA");
    const s = flags & Flag.Padded ? start + 1 : start;
    const stream = this.streams.get(id);
    if (stream === undefined) {
      if (id >= this.nextId) throw new SessionError(H2Error.Protocol, `DATA on idle stream ${id}`);
      return; // a stream we reset: the peer had not seen it yet
    }
    if (!stream.responded) return this.reset(stream, H2Error.Protocol, codedError("the upstream sent DATA before response headers", "ERR_HTTP2_STREAM_ERROR"), true);
    if (stream.remoteClosed) return this.reset(stream, H2Error.StreamClosed, codedError("the upstream sent DATA after ending the stream", "ERR_HTTP2_STREAM_ERROR"), true);
    if (length > stream.recvWindow) return this.reset(stream, H2Error.FlowControl, codedError("the upstream overran the stream's flow-control window", "ERR_HTTP2_STREAM_ERROR"), true);
    stream.recvWindow -= length;
    if (stream.expected >= 0) {
      stream.expected -= e - s;
      if (stream.expected < 0) return this.malformed(stream, "more DATA than its content-length");
    }
    if (e > s) {
      const chunk = buf.subarray(s, e);
      if (stream.early !== undefined) {
        stream.early.push(chunk);
        stream.unacked += length - (e - s); // padding: credited with the rest when the body is handed over
      }
      else {
        const body = stream.body!;
        stream.unacked += length;
        if (body.push(chunk)) this.credit(stream);
      }
    } else if (length > 0) {
      stream.unacked += length; // padding only: credit it back
      this.credit(stream);
    }
    if (flags & Flag.EndStream) this.remoteEnd(stream, undefined);
  }

  private onHeaderBlock(id: number, block: Buffer, start: number, end: number): void {
    const fields: string[] = [];
    try {
      this.decoder.decode(block, start, end, fields);
    } catch (err) {
      if (err instanceof HpackError) throw new SessionError(H2Error.Compression, err.message);
      throw err;
    }
    const stream = this.streams.get(id);
    if (stream === undefined) {
      if (id >= this.nextId) throw new SessionError(H2Error.Protocol, `HEADERS on idle stream ${id}`);
      return; // reset by us; the block still had to be decoded (HPACK state)
    }
    const endStream = this.headerEnd;
    if (stream.remoteClosed) return this.reset(stream, H2Error.StreamClosed, codedError("the upstream sent headers after ending the stream", "ERR_HTTP2_STREAM_ERROR"), true);
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
    const trailers: IncomingHttpHeaders = {};
    for (let i = 0; i < fields.length; i += 2) {
      const name = fields[i]!;
      size += name.length + fields[i + 1]!.length + 32;
      if (size > this.maxHeaderBlock) return this.oversized(stream);
      if (name.charCodeAt(0) === 58) return this.malformed(stream, `pseudo-header ${name} in trailers`);
      const bad = badFieldName(name);
      if (bad !== undefined) return this.malformed(stream, bad);
      addHeader(trailers, name, fields[i + 1]!);
    }
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
      let body: ResponseBody | Buffer | null;
      if (early === undefined) body = null;
      else if (stream.earlyEnded && stream.earlyTrailers === undefined) {
        body = early.length === 1 ? early[0]! : Buffer.concat(early);
        stream.unacked += body.length;
        this.credit(stream);
        if (body.length === 0) body = null;
      } else {
        const readable = new ResponseBody(stream);
        stream.body = body = readable;
        for (const chunk of early) {
          stream.unacked += chunk.length;
          readable.push(chunk);
        }
        if (stream.earlyEnded) readable.finish(stream.earlyTrailers);
      }
      resolve({ status: stream.status, headers: stream.headers!, body });
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
    if (sendRst && stream.id !== 0) this.send(rstStreamFrame(stream.id, code));
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

  private endIfDone(stream: ClientStream): void {
    if (stream.localClosed && stream.remoteClosed) this.finishStream(stream);
  }

  private finishStream(stream: ClientStream): void {
    if (stream.done) return;
    this.release(stream);
    if (stream.id === 0) {
      const at = this.waiting.indexOf(stream);
      if (at >= 0) this.waiting.splice(at, 1);
    } else if (this.streams.delete(stream.id)) {
      while (this.waiting.length > 0 && this.streams.size < this.maxConcurrent) this.open(this.waiting.shift()!);
    }
    if (this.streams.size === 0 && this.waiting.length === 0) {
      if (this.state === State.Draining) this.maybeFinish();
      else this.armIdle();
    }
  }

  /** A stream is over: nothing more to send, its request body source let go (resumed if we paused it). */
  private release(stream: ClientStream): void {
    stream.done = true;
    stream.queue.length = 0;
    stream.queued = 0;
    this.blocked.delete(stream);
    if (stream.source !== undefined) {
      if (stream.sourcePaused) stream.source.resume();
      stream.detach?.();
    }
  }

  private onSettings(flags: number, id: number, buf: Buffer, start: number, end: number): void {
    if (id !== 0) throw new SessionError(H2Error.Protocol, "SETTINGS on a stream");
    if (flags & Flag.Ack) {
      if (end !== start) throw new SessionError(H2Error.FrameSize, "SETTINGS ack with a payload");
      return;
    }
    if ((end - start) % 6 !== 0) throw new SessionError(H2Error.FrameSize, "SETTINGS payload not a multiple of 6");
    for (let at = start; at < end; at += 6) {
      const setting = buf.readUInt16BE(at);
      const value = buf.readUInt32BE(at + 2);
      switch (setting) {
        case Setting.HeaderTableSize:
          this.encoder.setMaxTableSize(value);
          break;
        case Setting.MaxConcurrentStreams:
          this.maxConcurrent = value;
          break;
        case Setting.InitialWindowSize: {
          if (value > MAX_WINDOW) throw new SessionError(H2Error.FlowControl, `SETTINGS_INITIAL_WINDOW_SIZE ${value} above 2^31-1`);
          const delta = value - this.peerInitialWindow;
          this.peerInitialWindow = value;
          for (const stream of this.streams.values()) {
            stream.sendWindow += delta;
            if (stream.sendWindow > MAX_WINDOW) throw new SessionError(H2Error.FlowControl, `SETTINGS_INITIAL_WINDOW_SIZE ${value} takes stream ${stream.id}'s window above 2^31-1`);
          }
          if (delta > 0) for (const stream of this.streams.values()) if (stream.queue.length > 0) this.pump(stream);
          break;
        }
        case Setting.MaxFrameSize:
          if (value < DEFAULT_MAX_FRAME || value > 16_777_215) throw new SessionError(H2Error.Protocol, `SETTINGS_MAX_FRAME_SIZE ${value} out of range`);
          this.peerMaxFrame = value;
          break;
        default:
          break; // ENABLE_PUSH (a server's value means nothing to a client), MAX_HEADER_LIST_SIZE, unknown
      }
    }
    this.send(SETTINGS_ACK);
    while (this.waiting.length > 0 && this.streams.size < this.maxConcurrent) this.open(this.waiting.shift()!);
  }

  private onGoaway(buf: Buffer, start: number, end: number): void {
    if (end - start < 8) throw new SessionError(H2Error.FrameSize, "GOAWAY frame shorter than 8 bytes");
    const last = buf.readUInt32BE(start) & 0x7fffffff;
    const code = buf.readUInt32BE(start + 4);
    const debug = buf.toString("utf8", start + 8, Math.min(end, start + 8 + 256));
    if (this.state === State.Open) this.state = State.Draining;
    const why = `the upstream closed the session (GOAWAY code ${code}${debug ? `: ${debug}` : ""}) before handling the request`;
    // Streams the peer will not process: never reached the application, safe to retry elsewhere.
    const queued = this.waiting.splice(0);
    for (const stream of [...queued, ...this.streams.values()]) {
      if (stream.id === 0 || stream.id > last) this.reset(stream, H2Error.RefusedStream, codedError(why, "ERR_HTTP2_GOAWAY_SESSION"), false);
    }
    this.refusal = codedError(why, "ERR_HTTP2_GOAWAY_SESSION");
    for (const fn of this.retiredListeners.splice(0)) fn();
    this.maybeFinish();
  }

  private onWindowUpdate(id: number, buf: Buffer, start: number, end: number): void {
    if (end - start !== 4) throw new SessionError(H2Error.FrameSize, "WINDOW_UPDATE frame not 4 bytes");
    const increment = buf.readUInt32BE(start) & 0x7fffffff;
    if (id === 0) {
      if (increment === 0) throw new SessionError(H2Error.Protocol, "WINDOW_UPDATE of 0 on the connection");
      this.sendWindow += increment;
      if (this.sendWindow > MAX_WINDOW) throw new SessionError(H2Error.FlowControl, "connection flow-control window above 2^31-1");
      const blocked = [...this.blocked];
      this.blocked.clear();
      for (const stream of blocked) this.pump(stream);
      return;
    }
    const stream = this.streams.get(id);
    if (stream === undefined) {
      if (id >= this.nextId) throw new SessionError(H2Error.Protocol, `WINDOW_UPDATE on idle stream ${id}`);
      return;
    }
    if (increment === 0) return this.reset(stream, H2Error.Protocol, codedError("the upstream sent a WINDOW_UPDATE of 0", "ERR_HTTP2_STREAM_ERROR"), true);
    stream.sendWindow += increment;
    if (stream.sendWindow > MAX_WINDOW) return this.reset(stream, H2Error.FlowControl, codedError("stream flow-control window above 2^31-1", "ERR_HTTP2_STREAM_ERROR"), true);
    if (stream.queue.length > 0 || (stream.ending && !stream.localClosed)) this.pump(stream);
  }

  // --- lifecycle ---

  private protocolFailure(err: unknown): void {
    if (!(err instanceof SessionError)) {
      this.fail(err as Error);
      return;
    }
    this.send(goawayFrame(0, err.h2Code, err.message)); // 0: the server started no streams of ours to keep
    this.fail(codedError(`HTTP/2 protocol error from the upstream: ${err.message}`, "ERR_HTTP2_SESSION_ERROR"));
  }

  private maybeFinish(): void {
    if (this.state !== State.Draining || this.streams.size > 0 || this.waiting.length > 0) return;
    this.send(goawayFrame(0, H2Error.NoError));
    this.state = State.Closed;
    this.disarmIdle();
    if (this.corked) this.flush();
    this.socket.end();
    for (const fn of this.retiredListeners.splice(0)) fn();
  }

  /** The connection is gone (error, close, protocol failure): every stream fails with `err`. */
  private fail(err: Error): void {
    if (this.state === State.Closed) {
      this.failStreams(err);
      return;
    }
    this.closeError ??= err;
    this.state = State.Closed;
    this.disarmIdle();
    if (this.corked) this.flush();
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

class SessionError extends Error {
  constructor(
    readonly h2Code: number,
    message: string,
  ) {
    super(message);
  }
}

/** Where a frame's content ends once its padding (PADDED flag) is taken off; padded content starts one octet in. */
function contentEnd(flags: number, buf: Buffer, start: number, end: number, frame: string): number {
  if (!(flags & Flag.Padded)) return end;
  const e = end - (end > start ? buf[start]! : 0);
  if (end === start || e < start + 1) throw new SessionError(H2Error.Protocol, `${frame} padding exceeds the frame`);
  return e;
}
