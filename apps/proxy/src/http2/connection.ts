// What both ends of an HTTP/2 connection (RFC 9113) share, under the client session
// (client-session.ts) and the server session (server-session.ts): frames parsed from the socket and
// dispatched (HEADERS with CONTINUATION, DATA with padding, SETTINGS, PING, WINDOW_UPDATE,
// RST_STREAM, GOAWAY), HPACK for header blocks, flow control both ways (a stream's outgoing bytes
// wait for the peer's windows; incoming ones are credited back as the reader takes them), and frames
// written in one turn of the event loop leaving in one socket write (one TLS record). A stream's
// state and body are in stream.ts; what a stream means — a request sent or received — is the
// subclass's.
import {
  DEFAULT_MAX_FRAME,
  DEFAULT_WINDOW,
  Flag,
  FRAME_HEADER,
  FrameType,
  H2Error,
  MAX_WINDOW,
  rstStreamFrame,
  Setting,
  SETTINGS_ACK,
  settingsFrame,
  windowUpdateFrame,
  writeFrameHeader,
  pingFrame,
  PREFACE,
} from "./frames";
import { HpackDecoder, HpackEncoder, HpackError } from "./hpack";
import type { H2Stream } from "./stream";

/** The socket a session runs over: connected (or connecting) TCP or TLS. */
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

export const enum State {
  Open,
  /** GOAWAY sent or received, or closing asked for: no new streams; closes when the last one ends. */
  Draining,
  Closed,
}

/** Bytes a stream holds to send (waiting for flow-control window or the socket) before its writer is told to wait. */
export const SEND_BUFFER = 64 * 1024;
export const DEFAULT_MAX_HEADER_BLOCK = 256 * 1024;
/**
 * Answers the peer forces out of us (PING and SETTINGS acknowledgements, resets of streams we refuse)
 * that may wait unsent while the socket is blocked: a peer that sends them without reading ours
 * gets ENHANCE_YOUR_CALM past this many (Go's net/http does the same). DATA needs no such cap: the
 * peer's own flow-control windows bound it.
 */
export const MAX_QUEUED_CONTROL = 10_000;
/** The peer's concurrency limit assumed until its SETTINGS arrive (as nghttp2 does). */
const INITIAL_MAX_CONCURRENT = 100;

/** A connection error: the session ends with a GOAWAY carrying `h2Code` and the message. */
export class SessionError extends Error {
  constructor(
    readonly h2Code: number,
    message: string,
  ) {
    super(message);
  }
}

export abstract class Connection<S extends H2Stream> {
  protected state = State.Open;
  protected readonly decoder = new HpackDecoder(4096);
  protected readonly encoder = new HpackEncoder();
  protected readonly streams = new Map<number, S>();
  /** Streams with bytes waiting for the connection window. */
  private readonly blocked = new Set<S>();
  protected peerInitialWindow = DEFAULT_WINDOW;
  protected peerMaxFrame = DEFAULT_MAX_FRAME;
  /** The peer's SETTINGS_MAX_CONCURRENT_STREAMS (unlimited once its SETTINGS came without one). */
  protected peerMaxConcurrent = INITIAL_MAX_CONCURRENT;
  private peerSettingsSeen = false;
  private sendWindow = DEFAULT_WINDOW;
  private recvUnacked = 0;
  private pending: Buffer | null = null;
  /** Server side: the client's connection preface is still to be checked, then its first SETTINGS. */
  protected awaitingPreface = false;
  private awaitingSettings = false;
  /** Control frames sent while the socket was blocked (reset when it drains). */
  private controlQueued = 0;
  /** Header block being assembled across CONTINUATION frames. */
  private headerStream = 0;
  private headerEnd = false;
  private headerParts: Buffer[] = [];
  private headerBytes = 0;
  /** Names the last decoded header block sent "never indexed" (read in onHeaderFields, then reused). */
  protected readonly neverIndexed: string[] = [];
  private corked = false;
  protected socketBlocked = false;
  protected readonly maxHeaderBlock: number;
  private readonly flush = () => {
    this.corked = false;
    this.socket.uncork();
  };

  constructor(
    protected readonly socket: SessionSocket,
    /** Receive window per stream, advertised as SETTINGS_INITIAL_WINDOW_SIZE. */
    protected readonly streamWindow: number,
    /** Receive window of the connection. */
    private readonly sessionWindow: number,
    maxHeaderBlock: number | undefined,
    settings: ReadonlyArray<readonly [Setting, number]>,
    private readonly isClient: boolean,
  ) {
    this.maxHeaderBlock = maxHeaderBlock ?? DEFAULT_MAX_HEADER_BLOCK;
    if (isClient) this.send(PREFACE);
    else this.awaitingPreface = this.awaitingSettings = true;
    this.send(settingsFrame([...settings, [Setting.InitialWindowSize, streamWindow], [Setting.MaxHeaderListSize, this.maxHeaderBlock]]));
    if (sessionWindow > DEFAULT_WINDOW) this.send(windowUpdateFrame(0, sessionWindow - DEFAULT_WINDOW));
    socket.on("data", (data) => this.onData(data));
    socket.on("drain", () => this.onDrain());
    socket.on("error", (err) => this.fail(err));
    socket.on("close", () => this.onSocketClose());
  }

  // --- what the subclass decides ---

  /** A stream ID the peer could not have used yet (frames on it are a connection error). */
  protected abstract isIdle(id: number): boolean;
  /** A complete, decoded header block (request or response headers, or trailers). */
  protected abstract onHeaderFields(id: number, fields: string[], endStream: boolean): void;
  /** Body bytes for a stream (`buf[start, end)`, possibly empty); `length` is the frame's flow-controlled size. */
  protected abstract onStreamData(stream: S, buf: Buffer, start: number, end: number, length: number, endStream: boolean): void;
  /** The peer reset a stream. */
  protected abstract onReset(stream: S, code: number): void;
  /** A stream broke the protocol: reset it (RST_STREAM `code`) and fail it with `why` ("sent …"). */
  protected abstract streamError(stream: S, code: number, why: string): void;
  protected abstract onGoaway(lastStreamId: number, code: number, debug: string): void;
  /** Both directions of a stream are done (its END_STREAM sent, or received). */
  protected abstract endIfDone(stream: S): void;
  /** The connection broke the protocol or the socket failed. */
  protected abstract fail(err: Error): void;
  protected abstract onSocketClose(): void;
  /** The peer's SETTINGS were applied. */
  protected afterSettings(): void {}
  /** The peer answered one of our PINGs (its 8 bytes). */
  protected onPingAck(_payload: Buffer): void {}
  /** A stream has bytes to send and no window to send them in. */
  protected onWindowStall(_stream: S): void {}

  // --- sending ---

  protected send(buf: Buffer): void {
    if (this.state === State.Closed) return;
    if (!this.corked) {
      this.corked = true;
      this.socket.cork();
      process.nextTick(this.flush);
    }
    if (!this.socket.write(buf)) this.socketBlocked = true;
  }

  /** A frame the peer's own frames force out of us: counted while the socket is blocked (MAX_QUEUED_CONTROL). */
  protected sendControl(buf: Buffer): void {
    this.send(buf);
    if (this.socketBlocked) this.controlQueued++;
  }

  /** What the peer's connection-level window still allows us to send. */
  protected connectionWindow(): number {
    return this.sendWindow;
  }

  /** Writes what is corked now (before the socket ends or is destroyed). */
  protected flushNow(): void {
    if (this.corked) this.flush();
  }

  /** A header block: one HEADERS frame, or HEADERS + CONTINUATIONs past the peer's frame size. */
  protected sendHeaders(id: number, fields: readonly string[], endStream: boolean, neverIndexed?: readonly string[]): void {
    const block = this.encoder.encode(fields, FRAME_HEADER, neverIndexed);
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

  protected sendReset(stream: S, code: number): void {
    if (stream.id !== 0) this.send(rstStreamFrame(stream.id, code));
  }

  /** Queues bytes on a stream; false when the writer should wait for `drained()`. */
  write(stream: S, chunk: Buffer): boolean {
    if (stream.done || stream.ending) return false;
    if (chunk.length > 0) {
      stream.queue.push(chunk);
      stream.queued += chunk.length;
      if (stream.id !== 0) this.pump(stream);
    }
    if (stream.queued > SEND_BUFFER || this.socketBlocked) {
      stream.needDrain = true;
      return false;
    }
    return true;
  }

  /** Nothing more to send on a stream: END_STREAM (on `trailers`, if any) once the queue is out. */
  end(stream: S, trailers?: string[], neverIndexed?: readonly string[]): void {
    if (stream.done || stream.ending) return;
    stream.ending = true;
    if (trailers !== undefined && trailers.length > 0) {
      stream.trailers = trailers;
      stream.trailersNeverIndexed = neverIndexed;
    }
    if (stream.id !== 0) this.pump(stream);
  }

  /** Sends what the windows allow of a stream's queue, then END_STREAM. */
  protected pump(stream: S): void {
    const queue = stream.queue;
    while (queue.length > 0 && !stream.done) {
      const window = Math.min(stream.sendWindow, this.sendWindow);
      if (window <= 0) {
        if (this.sendWindow <= 0) this.blocked.add(stream);
        this.onWindowStall(stream);
        return;
      }
      const chunk = queue[0]!;
      const n = Math.min(chunk.length, window, this.peerMaxFrame);
      const last = n === chunk.length && queue.length === 1 && stream.ending && stream.trailers === undefined;
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
    if (stream.needDrain && stream.queued < SEND_BUFFER / 2 && !this.socketBlocked) {
      stream.needDrain = false;
      stream.drained();
      if (stream.done) return;
    }
    if (queue.length === 0 && stream.ending && !stream.localClosed) {
      stream.localClosed = true;
      const trailers = stream.trailers;
      if (trailers !== undefined) {
        stream.trailers = undefined;
        this.sendHeaders(stream.id, trailers, true, stream.trailersNeverIndexed);
      } else {
        const end = Buffer.allocUnsafe(FRAME_HEADER);
        writeFrameHeader(end, 0, 0, FrameType.Data, Flag.EndStream, stream.id);
        this.send(end);
      }
      this.endIfDone(stream);
    }
  }

  private onDrain(): void {
    this.socketBlocked = false;
    this.controlQueued = 0;
    for (const stream of this.streams.values()) if (stream.needDrain) this.pump(stream);
  }

  /** The reader took body bytes: give the peer its window back once half of it is used. */
  credit(stream: H2Stream): void {
    if (stream.unacked < this.streamWindow / 2 || stream.done || this.state === State.Closed) return;
    this.send(windowUpdateFrame(stream.id, stream.unacked));
    stream.recvWindow += stream.unacked;
    stream.unacked = 0;
  }

  /** A stream is over: nothing more to send. */
  protected release(stream: S): void {
    stream.done = true;
    stream.queue.length = 0;
    stream.queued = 0;
    this.blocked.delete(stream);
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
      if (this.awaitingPreface) {
        if (end < PREFACE.length) {
          if (!PREFACE.subarray(0, end).equals(buf)) throw new SessionError(H2Error.Protocol, "the connection did not start with the HTTP/2 preface");
          this.pending = buf;
          return;
        }
        if (!PREFACE.equals(buf.subarray(0, PREFACE.length))) throw new SessionError(H2Error.Protocol, "the connection did not start with the HTTP/2 preface");
        this.awaitingPreface = false;
        at = PREFACE.length;
      }
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
      this.fail(err as Error);
      return;
    }
    if (at < end && this.state !== State.Closed) this.pending = buf.subarray(at);
    this.afterRead();
    if (this.controlQueued > MAX_QUEUED_CONTROL && this.state !== State.Closed) {
      this.fail(new SessionError(H2Error.EnhanceYourCalm, `over ${MAX_QUEUED_CONTROL} control frames queued for a peer that does not read them`));
      return;
    }
    if (this.recvUnacked >= this.sessionWindow / 2 && this.state !== State.Closed) {
      this.send(windowUpdateFrame(0, this.recvUnacked));
      this.recvUnacked = 0;
    }
  }

  /** Every frame of one socket read has been handled. */
  protected afterRead(): void {}

  private onFrame(type: number, flags: number, id: number, buf: Buffer, start: number, end: number): void {
    if (this.awaitingSettings) {
      if (type !== FrameType.Settings || flags & Flag.Ack) throw new SessionError(H2Error.Protocol, "the first frame after the preface is not SETTINGS");
      this.awaitingSettings = false;
    }
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
        if (id === 0) throw new SessionError(H2Error.Protocol, "PRIORITY on stream 0");
        return;
      case FrameType.RstStream: {
        if (end - start !== 4) throw new SessionError(H2Error.FrameSize, "RST_STREAM frame not 4 bytes");
        if (id === 0) throw new SessionError(H2Error.Protocol, "RST_STREAM on stream 0");
        const stream = this.streams.get(id);
        if (stream === undefined) {
          if (this.isIdle(id)) throw new SessionError(H2Error.Protocol, `RST_STREAM on idle stream ${id}`);
          return;
        }
        return this.onReset(stream, buf.readUInt32BE(start));
      }
      case FrameType.Settings:
        return this.onSettings(flags, id, buf, start, end);
      case FrameType.PushPromise:
        throw new SessionError(H2Error.Protocol, "PUSH_PROMISE although SETTINGS_ENABLE_PUSH is 0");
      case FrameType.Ping:
        if (id !== 0) throw new SessionError(H2Error.Protocol, "PING on a stream");
        if (end - start !== 8) throw new SessionError(H2Error.FrameSize, "PING frame not 8 bytes");
        if (flags & Flag.Ack) this.onPingAck(buf.subarray(start, end));
        else this.sendControl(pingFrame(buf.subarray(start, end), true));
        return;
      case FrameType.Goaway: {
        if (id !== 0) throw new SessionError(H2Error.Protocol, "GOAWAY on a stream");
        if (end - start < 8) throw new SessionError(H2Error.FrameSize, "GOAWAY frame shorter than 8 bytes");
        const debug = buf.toString("utf8", start + 8, Math.min(end, start + 8 + 256));
        return this.onGoaway(buf.readUInt32BE(start) & 0x7fffffff, buf.readUInt32BE(start + 4), debug);
      }
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
      if (this.isIdle(id)) throw new SessionError(H2Error.Protocol, `DATA on idle stream ${id}`);
      return; // a stream we reset: the peer had not seen it yet
    }
    if (stream.remoteClosed) return this.streamError(stream, H2Error.StreamClosed, "sent DATA after ending the stream");
    if (length > stream.recvWindow) return this.streamError(stream, H2Error.FlowControl, "overran the stream's flow-control window");
    stream.recvWindow -= length;
    this.onStreamData(stream, buf, s, e, length, (flags & Flag.EndStream) !== 0);
  }

  private onHeaderBlock(id: number, block: Buffer, start: number, end: number): void {
    const fields: string[] = [];
    this.neverIndexed.length = 0;
    try {
      this.decoder.decode(block, start, end, fields, this.neverIndexed);
    } catch (err) {
      if (err instanceof HpackError) throw new SessionError(H2Error.Compression, err.message);
      throw err;
    }
    this.onHeaderFields(id, fields, this.headerEnd);
  }

  private onSettings(flags: number, id: number, buf: Buffer, start: number, end: number): void {
    if (id !== 0) throw new SessionError(H2Error.Protocol, "SETTINGS on a stream");
    if (flags & Flag.Ack) {
      if (end !== start) throw new SessionError(H2Error.FrameSize, "SETTINGS ack with a payload");
      return;
    }
    if ((end - start) % 6 !== 0) throw new SessionError(H2Error.FrameSize, "SETTINGS payload not a multiple of 6");
    if (!this.peerSettingsSeen) {
      this.peerSettingsSeen = true;
      this.peerMaxConcurrent = Number.POSITIVE_INFINITY; // unless this frame names a limit
    }
    for (let at = start; at < end; at += 6) {
      const setting = buf.readUInt16BE(at);
      const value = buf.readUInt32BE(at + 2);
      switch (setting) {
        case Setting.HeaderTableSize:
          this.encoder.setMaxTableSize(value);
          break;
        case Setting.EnablePush:
          if (value > 1 || (value === 1 && this.isClient)) throw new SessionError(H2Error.Protocol, `SETTINGS_ENABLE_PUSH ${value} ${value > 1 ? "is neither 0 nor 1" : "from a server"}`);
          break; // we never push
        case Setting.MaxConcurrentStreams:
          this.peerMaxConcurrent = value;
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
          break; // MAX_HEADER_LIST_SIZE (advisory), unknown settings
      }
    }
    this.sendControl(SETTINGS_ACK);
    this.afterSettings();
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
      if (this.isIdle(id)) throw new SessionError(H2Error.Protocol, `WINDOW_UPDATE on idle stream ${id}`);
      return;
    }
    if (increment === 0) return this.streamError(stream, H2Error.Protocol, "sent a WINDOW_UPDATE of 0");
    stream.sendWindow += increment;
    if (stream.sendWindow > MAX_WINDOW) return this.streamError(stream, H2Error.FlowControl, "took the stream's flow-control window above 2^31-1");
    if (stream.queue.length > 0 || (stream.ending && !stream.localClosed)) this.pump(stream);
  }
}

/** Where a frame's content ends once its padding (PADDED flag) is taken off; padded content starts one octet in. */
function contentEnd(flags: number, buf: Buffer, start: number, end: number, frame: string): number {
  if (!(flags & Flag.Padded)) return end;
  const e = end - (end > start ? buf[start]! : 0);
  if (end === start || e < start + 1) throw new SessionError(H2Error.Protocol, `${frame} padding exceeds the frame`);
  return e;
}
