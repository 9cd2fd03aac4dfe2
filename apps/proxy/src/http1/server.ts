// Downstream HTTP/1.1 connections, parsed by llhttp directly (llhttp.ts): per request one headers
// object, a body stream only when the request has a body, and one response object with the small
// surface the exchange writes through (writeHead / write / end / trailers / close). Pipelined
// requests are answered in order; a response is written with its head in one write when it is a
// buffer. Upgrade and CONNECT requests leave this codec: the connection is handed, from that
// request's head on, to node:http (WebSocket splicing, CONNECT tunnels). Request-head timeouts are
// swept on the injected clock; idle keep-alive connections close on the socket's own timer.
import { STATUS_CODES, type IncomingHttpHeaders, type OutgoingHttpHeaders } from "node:http";
import { Readable, type Duplex } from "node:stream";
import type { Clock } from "../core/clock";
import { codedError } from "../core/errors";
import { IncomingBody } from "./incoming-body";
import {
  createParser,
  HeadPairs,
  headersOf,
  HTTPParser,
  kOnBody,
  kOnHeaders,
  kOnHeadersComplete,
  kOnMessageBegin,
  kOnMessageComplete,
  METHODS,
  PARSE_BODY,
  SKIP_BODY,
  STOP_UPGRADE,
  type LlhttpParser,
  type ParseError,
} from "./llhttp";
import { bodylessStatus, chunkHeader, COALESCE_BYTES, joinHead, lastChunk, responseHeadLines } from "./serialize";

export interface H1Request {
  method: string;
  /** The request target as sent (origin-form, or absolute-form from an HTTP proxy client). */
  url: string;
  headers: IncomingHttpHeaders;
  /** The request body; an ended empty stream when `hasBody` is false. */
  body: Readable;
  hasBody: boolean;
  socket: Duplex;
}

export interface H1ServerOptions {
  request(req: H1Request, res: H1Response): void;
  /** An Upgrade or CONNECT request: `socket` now belongs to the caller, `bytes` (its head onwards) put back. */
  handOff(socket: Duplex, bytes: Buffer): void;
  clock: Clock;
  /** Idle time (real time without I/O: the socket's timer) after which a keep-alive connection is closed, ms. */
  keepAliveTimeoutMs: number;
  /** Time a client has to send a complete request head, ms. */
  headersTimeoutMs: number;
}

export interface H1Server {
  accept(socket: Duplex): void;
  /** From now on responses close their connection; idle connections are closed now. */
  drain(): void;
  /** Closes connections that have no request in progress. */
  closeIdle(): void;
  destroyAll(): void;
}

/** The empty body of requests without one (never read: `hasBody` is false). */
export const NO_BODY = new Readable({ read() {} });
NO_BODY.push(null);

const SWEEP_MS = 1_000;
const CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n";
/** The one transfer coding relayed (llhttp already insists that chunked comes last). */
const CHUNKED_ONLY = /^[\t ]*chunked[\t ]*$/i;

function noop(): void {}

/** The socket's inactivity timer (net and TLS sockets have one; other duplexes go without). */
function idleTimer(socket: Duplex, ms: number): void {
  (socket as Duplex & { setTimeout?: (ms: number) => unknown }).setTimeout?.(ms);
}

const enum Framing {
  Undecided,
  None,
  Length,
  Chunked,
  UntilClose,
}

/**
 * One response. Written in request order: until it is the connection's oldest, what it writes is
 * held (and `write` returns false, so the body waits for `drain`).
 */
export class H1Response {
  destroyed = false;
  writableEnded = false;
  writableFinished = false;
  headersSent = false;
  /** The status written (the codec may answer a request itself: a body that broke mid-way). */
  statusCode = 200;
  /** Keep the connection after this response (false: `connection: close`, then the connection ends). */
  keepAlive: boolean;
  private head = "";
  private framing = Framing.Undecided;
  private declaredLength = "";
  private trailers: OutgoingHttpHeaders | undefined = undefined;
  private held: (Buffer | string)[] | undefined = undefined;
  private closeListeners: (() => void)[] = [];
  private drainListener: (() => void) | undefined = undefined;
  /** A pipelined request not handed on yet: it goes once this response is the oldest (one request at a time). */
  pending: (() => void) | undefined = undefined;

  constructor(
    private readonly conn: Connection,
    private readonly headRequest: boolean,
    /** HTTP/1.0 client: no chunked encoding; keep-alive only when asked for. */
    private readonly http10: boolean,
    keepAlive: boolean,
  ) {
    this.keepAlive = keepAlive;
  }

  /** Checks and stores the head; it is sent with the first body bytes (so a buffer goes in one write). */
  writeHead(status: number, headers: OutgoingHttpHeaders): this {
    this.head = responseHeadLines(status, headers);
    this.statusCode = status;
    this.headersSent = true;
    const cl = headers["content-length"];
    if (this.headRequest || bodylessStatus(status)) {
      this.framing = Framing.None;
      if (cl !== undefined && this.headRequest) this.declaredLength = `content-length: ${String(cl)}\r\n`;
    } else if (cl !== undefined) {
      this.framing = Framing.Length;
      this.declaredLength = `content-length: ${String(cl)}\r\n`;
    }
    return this;
  }

  write(chunk: Buffer): boolean {
    if (this.writableEnded || this.destroyed) return false;
    if (this.framing === Framing.Undecided) {
      this.framing = this.http10 ? Framing.UntilClose : Framing.Chunked;
      if (this.framing === Framing.UntilClose) this.keepAlive = false; // the body ends with the connection
    }
    const out = this.framing === Framing.Chunked ? [chunkHeader(chunk.length), chunk, "\r\n"] : this.framing === Framing.None ? [] : [chunk];
    return this.output(out, false);
  }

  addTrailers(trailers: OutgoingHttpHeaders): void {
    this.trailers = trailers;
  }

  end(chunk?: Buffer): this {
    if (this.writableEnded || this.destroyed) return this;
    this.writableEnded = true;
    if (!this.headersSent) this.writeHead(200, {});
    if (this.framing === Framing.Undecided) {
      this.framing = Framing.Length;
      this.declaredLength = `content-length: ${chunk === undefined ? 0 : chunk.length}\r\n`;
    }
    const out: (Buffer | string)[] = [];
    if (chunk !== undefined && chunk.length > 0 && this.framing !== Framing.None) {
      if (this.framing === Framing.Chunked) out.push(chunkHeader(chunk.length), chunk, "\r\n");
      else out.push(chunk);
    }
    if (this.framing === Framing.Chunked) out.push(lastChunk(this.trailers));
    if (this.framing === Framing.UntilClose) this.keepAlive = false;
    this.output(out, true);
    return this;
  }

  destroy(): void {
    if (this.destroyed) return;
    this.conn.socket.destroy();
  }

  on(event: "drain", fn: () => void): this {
    if (event === "drain") this.drainListener = fn;
    return this;
  }

  once(event: "close", fn: () => void): this {
    if (event === "close") this.closeListeners.push(fn);
    return this;
  }

  /** Sends (or holds) `out`, preceded by the head the first time. */
  private output(out: (Buffer | string)[], last: boolean): boolean {
    if (this.head !== "") {
      // Complete before its request's body was: the connection ends after it (responseDone).
      const early = last && this.conn.body !== undefined && this.conn.queue.length === 1 && this.conn.queue[0] === this;
      const connection = !this.keepAlive || this.conn.draining || early ? "connection: close\r\n" : this.http10 ? "connection: keep-alive\r\n" : "";
      if (connection === "connection: close\r\n") this.keepAlive = false;
      out.unshift(`${this.head}${this.declaredLength}${this.framing === Framing.Chunked ? "transfer-encoding: chunked\r\n" : ""}${connection}\r\n`);
      this.head = "";
    }
    let ok = true;
    if (this.conn.queue[0] === this) ok = this.conn.send(out);
    else {
      (this.held ??= []).push(...out);
      ok = false;
    }
    if (last) this.finish();
    return ok;
  }

  /** This response became the oldest: its request goes on (once the client reads what came before), or what it held is sent. */
  release(): void {
    if (this.pending !== undefined) {
      if (!this.conn.socket.writableNeedDrain) this.dispatch();
      return;
    }
    const held = this.held;
    this.held = undefined;
    if (held !== undefined && held.length > 0) this.conn.send(held);
    if (this.writableFinished) this.conn.responseDone(this);
    else this.drainListener?.();
  }

  onDrain(): void {
    if (this.pending !== undefined) this.dispatch();
    else this.drainListener?.();
  }

  private dispatch(): void {
    const go = this.pending!;
    this.pending = undefined;
    const conn = this.conn;
    conn.deferred--;
    go();
    // The last one waiting: read on (a body still arriving resumes it when its reader reads).
    if (conn.deferred === 0 && conn.body === undefined && !conn.stopped) conn.socket.resume();
  }

  private finish(): void {
    this.writableFinished = true;
    this.closed();
    if (this.conn.queue[0] === this) this.conn.responseDone(this);
  }

  /** Ends this response's life (complete, or its connection gone): 'close' listeners run once. */
  closed(): void {
    if (!this.writableFinished) this.destroyed = true;
    const listeners = this.closeListeners;
    this.closeListeners = [];
    for (let i = 0; i < listeners.length; i++) listeners[i]!.call(this);
  }
}

class Connection {
  readonly parser: LlhttpParser;
  readonly queue: H1Response[] = [];
  /** Body of the request being parsed. */
  body: IncomingBody | undefined = undefined;
  /** Head pairs, target and trailers that llhttp flushed early. */
  readonly head = new HeadPairs();
  headersDone = false;
  /** clock.now() when the current request head began (0: not inside a head). */
  headStartedAt = 0;
  /** No further requests are read (a response said `connection: close`, or an upgrade is pending). */
  stopped = false;
  /** Bytes are read and dropped: a request came after one that ends the connection (never dispatched). */
  ignoring = false;
  peerEnded = false;
  draining = false;
  upgrade: { bytes: Buffer } | undefined = undefined;
  /** Pipelined requests parsed but not handed on (their responses' `pending`); no more is read meanwhile. */
  deferred = 0;
  // Socket listeners (removed when the connection is handed off), and the hand-off itself.
  onData: (chunk: Buffer) => void = noop;
  onEnd: () => void = noop;
  onClose: () => void = noop;
  onDrainEvent: () => void = noop;
  onUpgradeReady: () => void = noop;
  onTimeout: () => void = noop;

  constructor(readonly socket: Duplex) {
    this.parser = createParser(HTTPParser.REQUEST);
  }

  pause(): void {
    this.socket.pause();
  }

  /** Reads on, unless pipelined requests wait their turn (the one handed on last resumes it). */
  resume(): void {
    if (this.deferred === 0) this.socket.resume();
  }

  send(out: (Buffer | string)[]): boolean {
    const socket = this.socket;
    if (socket.destroyed) return false;
    if (out.length === 1) {
      const only = out[0]!;
      return typeof only === "string" ? socket.write(only, "latin1") : socket.write(only);
    }
    if (out.length === 2 && typeof out[0] === "string" && Buffer.isBuffer(out[1]) && out[1].length <= COALESCE_BYTES) {
      return socket.write(joinHead(out[0], out[1]));
    }
    socket.cork();
    let ok = true;
    for (const part of out) ok = typeof part === "string" ? socket.write(part, "latin1") : socket.write(part);
    socket.uncork();
    return ok;
  }

  /** The oldest response is complete: the next one may write, or the connection ends. */
  responseDone(res: H1Response): void {
    if (this.queue[0] !== res) return;
    this.queue.shift();
    // A request whose body is still arriving after its answer: the rest is of no use to anyone.
    if (this.body !== undefined && this.queue.length === 0 && !this.upgrade) res.keepAlive = false;
    if (!res.keepAlive) {
      this.stopped = true;
      // Requests pipelined behind it are never handed on (the client retries them on a new
      // connection), and the rest of a request body still arriving is dropped: nothing left makes
      // the connection busy, so its idle timer ends it if the client never closes.
      this.deferred = 0;
      for (const later of this.queue.splice(0)) {
        later.pending = undefined;
        later.closed();
      }
      const body = this.body;
      this.body = undefined;
      body?.fail(codedError("aborted: the connection closed after the answer", "ECONNRESET"));
      this.socket.end();
      // Whatever the client still sends is read and dropped (onData), so it sees our answer and
      // FIN rather than a reset while it writes.
      this.socket.resume();
      return;
    }
    const next = this.queue[0];
    if (next !== undefined) {
      next.release();
      return;
    }
    // An upgrade waiting behind pipelined answers goes once they are written.
    if (this.upgrade !== undefined) return this.onUpgradeReady();
    if (this.peerEnded || this.draining) this.socket.end();
  }
}

export function createH1Server(options: H1ServerOptions): H1Server {
  const { clock } = options;
  const connections = new Set<Connection>();
  let draining = false;
  let sweeping: { cancel(): void } | undefined;

  const idle = (conn: Connection) => conn.queue.length === 0 && conn.headStartedAt === 0 && conn.body === undefined;

  function sweep(): void {
    sweeping = undefined;
    const now = clock.now();
    for (const conn of connections) {
      if (!conn.ignoring && conn.deferred === 0 && conn.headStartedAt > 0 && now - conn.headStartedAt >= options.headersTimeoutMs) reject(conn, 408, "no complete request head in time");
    }
    if (connections.size > 0) sweeping = clock.setTimeout(sweep, SWEEP_MS);
  }

  /** A request this codec cannot take: a short answer, then the connection closes. */
  function reject(conn: Connection, status: number, why: string): void {
    // The request whose body is arriving is the newest; its answer waits behind earlier ones.
    const current = conn.queue.length > 0 ? conn.queue[conn.queue.length - 1]! : undefined;
    if (current !== undefined && conn.body !== undefined && !current.headersSent && !conn.socket.destroyed) {
      // The body of the request in progress broke (its head went upstream already, unless it was
      // still waiting its turn): that request fails as the client's fault — its upstream attempt is
      // cancelled — and is answered 400, as Envoy does, instead of a connection cut without a word.
      conn.stopped = true;
      conn.ignoring = true;
      if (current.pending !== undefined) {
        current.pending = undefined;
        conn.deferred--;
      }
      const body = conn.body;
      conn.body = undefined;
      body.fail(codedError(`malformed HTTP/1.1 request body: ${why}`, "HPE_INVALID_BODY"));
      current.keepAlive = false;
      current.writeHead(status, { "content-type": "text/plain" }).end(Buffer.from(`${why}\n`, "latin1"));
    } else {
      answerInOrder(conn, status, why);
    }
  }

  /** Answers a request that is not handed on (after the answers to those before it), then closes. */
  function answerInOrder(conn: Connection, status: number, why: string): void {
    conn.stopped = true;
    // Nothing after it can be trusted to be a request: read and dropped.
    conn.ignoring = true;
    if (conn.socket.destroyed) return;
    const body = `${why}\n`;
    if (conn.queue.length === 0) {
      conn.socket.end(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ""}\r\ncontent-type: text/plain\r\ncontent-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`, "latin1");
      return;
    }
    const res = new H1Response(conn, false, false, false);
    conn.queue.push(res);
    res.writeHead(status, { "content-type": "text/plain" }).end(Buffer.from(body, "latin1"));
  }

  /** Why a parsed head cannot be served (RFC 9112 §3.2, §6.1), or undefined. */
  function unfitHead(pairs: readonly string[], http10: boolean, te: string | undefined): { status: number; why: string } | undefined {
    let hosts = 0;
    for (let i = 0; i < pairs.length; i += 2) {
      const name = pairs[i]!;
      if (name.length === 4 && name.toLowerCase() === "host") hosts++;
    }
    if (hosts > 1) return { status: 400, why: "the request has more than one Host header; send exactly one" };
    if (hosts === 0 && !http10) return { status: 400, why: "an HTTP/1.1 request needs a Host header" };
    if (te !== undefined && !CHUNKED_ONLY.test(te)) {
      return { status: 501, why: `transfer-encoding "${te}" is not supported; send the body with chunked alone (compression belongs in content-encoding)` };
    }
    return undefined;
  }

  function handOff(conn: Connection): void {
    const { socket } = conn;
    const bytes = conn.upgrade!.bytes;
    conn.upgrade = undefined;
    connections.delete(conn);
    socket.off("data", conn.onData).off("end", conn.onEnd).off("close", conn.onClose).off("drain", conn.onDrainEvent).off("timeout", conn.onTimeout);
    idleTimer(socket, 0);
    options.handOff(socket, bytes);
  }

  function accept(socket: Duplex): void {
    const conn = new Connection(socket);
    const parser = conn.parser;
    connections.add(conn);
    conn.draining = draining;
    parser[kOnMessageBegin] = () => {
      conn.headStartedAt = clock.now() || 1;
      conn.headersDone = false;
    };
    // Trailers come here too (after headers-complete); the url argument is then no piece of the target.
    parser[kOnHeaders] = (raw: string[], url: string) => conn.head.add(raw, conn.headersDone ? undefined : url);
    parser[kOnHeadersComplete] = (major: number, minor: number, raw: string[] | undefined, method: number, target: string | undefined, _s: unknown, _m: unknown, upgrade: boolean, keepAlive: boolean) => {
      conn.headStartedAt = 0;
      conn.headersDone = true;
      const url = conn.head.takeUrl(target);
      if (conn.stopped || (conn.draining && conn.queue.length > 0)) {
        // After a request that ends the connection (Connection: close, HTTP/1.0, an upgrade, a
        // drain): never sent on; the client retries it on a new connection.
        conn.stopped = true;
        conn.ignoring = true;
        conn.head.take(raw);
        return SKIP_BODY;
      }
      const pairs = conn.head.take(raw);
      const methodName = METHODS[method] ?? "GET";
      const headers = headersOf(pairs);
      const te = headers["transfer-encoding"];
      const cl = headers["content-length"];
      const hasBody = te !== undefined || (cl !== undefined && cl !== "0");
      const http10 = major === 1 && minor === 0;
      const unfit = unfitHead(pairs, http10, te);
      if (unfit !== undefined) {
        answerInOrder(conn, unfit.status, unfit.why);
        return SKIP_BODY;
      }
      // An upgrade offer on a request with a body (curl --http2 on a POST) is served as a plain
      // request: the offer is dropped (hop-by-hop), the body forwarded, HTTP/1.1 answered.
      if (upgrade && (methodName === "CONNECT" || !hasBody)) {
        // Rebuilt from what was parsed (equivalent bytes); the rest of the read is appended in onData.
        let head = `${methodName} ${url} HTTP/${major}.${minor}\r\n`;
        for (let i = 0; i < pairs.length; i += 2) head += `${pairs[i]}: ${pairs[i + 1]}\r\n`;
        conn.upgrade = { bytes: Buffer.from(`${head}\r\n`, "latin1") };
        conn.stopped = true;
        return STOP_UPGRADE;
      }
      if (!keepAlive || conn.draining) conn.stopped = true;
      const res = new H1Response(conn, methodName === "HEAD", http10, keepAlive && !conn.draining);
      conn.queue.push(res);
      let body: Readable = NO_BODY;
      if (hasBody) {
        const incoming = new IncomingBody(conn, () => {
          if (conn.body === incoming) conn.body = undefined; // later chunks of it are dropped
          conn.resume();
        });
        conn.body = incoming;
        body = incoming;
      } else {
        conn.body = undefined;
      }
      const request: H1Request = { method: methodName, url, headers, body, hasBody, socket };
      const expectsContinue = hasBody && !http10 && String(headers.expect ?? "").toLowerCase() === "100-continue";
      if (conn.queue.length === 1 && !socket.writableNeedDrain) {
        if (expectsContinue) socket.write(CONTINUE, "latin1");
        options.request(request, res);
        return PARSE_BODY;
      }
      // Pipelined behind a request still in progress, or behind answers the client has not read:
      // handed on when its turn comes, one at a time as nginx and Envoy do, so requests that are
      // not safe never run out of order and one connection cannot fan out or fill memory with
      // answers. Nothing more is read meanwhile (the rest of this read is parsed).
      res.pending = () => {
        if (expectsContinue && conn.body === body) socket.write(CONTINUE, "latin1");
        options.request(request, res);
      };
      conn.deferred++;
      socket.pause();
      return PARSE_BODY;
    };
    parser[kOnBody] = (chunk: Buffer) => {
      conn.body?.deliver(chunk);
    };
    parser[kOnMessageComplete] = () => {
      const body = conn.body;
      conn.body = undefined;
      // Taken even when the body was dropped, so they never reach the next request's head.
      const trailers = conn.head.takeTrailers();
      body?.complete(trailers);
    };
    conn.onData = (chunk: Buffer) => {
      if (conn.ignoring || (conn.stopped && conn.upgrade === undefined && conn.queue.length === 0)) return;
      let ret = parser.execute(chunk);
      // A request that offered an upgrade but had a body was served plainly, yet llhttp stops after
      // it as after an upgrade: what follows it is the next request.
      while (typeof ret === "number" && ret > 0 && ret < chunk.length && conn.upgrade === undefined && !conn.ignoring) {
        chunk = chunk.subarray(ret);
        ret = parser.execute(chunk);
      }
      if (conn.ignoring) return;
      if (typeof ret !== "number") {
        // Bytes after a request that ends the connection: its answer still goes out. (A body still
        // arriving is that request's own, and its breaking is answered below.)
        if (conn.stopped && conn.upgrade === undefined && conn.body === undefined) {
          conn.ignoring = true;
          return;
        }
        const err = ret as ParseError;
        reject(conn, err.code === "HPE_HEADER_OVERFLOW" ? 431 : 400, `malformed HTTP/1.1 request: ${err.reason ?? err.code}`);
        return;
      }
      if (conn.upgrade !== undefined) {
        const rest = chunk.subarray(ret);
        if (rest.length > 0) conn.upgrade.bytes = Buffer.concat([conn.upgrade.bytes, rest]);
        socket.pause();
        if (conn.queue.length === 0) handOff(conn);
      }
    };
    conn.onEnd = () => {
      conn.peerEnded = true;
      // The client stopped sending in the middle of a request body: it can never complete.
      const body = conn.body;
      conn.body = undefined;
      body?.fail(codedError("aborted: the client ended the connection in the middle of the request body", "ECONNRESET"));
      if (conn.queue.length === 0) socket.end();
    };
    conn.onClose = () => {
      connections.delete(conn);
      const body = conn.body;
      conn.body = undefined;
      body?.fail(codedError("aborted: the client closed the connection", "ECONNRESET"));
      const queue = conn.queue.splice(0);
      for (const res of queue) res.closed();
    };
    conn.onDrainEvent = () => conn.queue[0]?.onDrain();
    conn.onUpgradeReady = () => {
      if (!socket.destroyed) handOff(conn);
    };
    socket.on("data", conn.onData).on("end", conn.onEnd).once("close", conn.onClose).on("drain", conn.onDrainEvent);
    // Keep-alive idle time is the socket's own timer — real time without I/O, refreshed by Node on
    // every read and write, as node:http does — so no jump of an injected clock can close a
    // connection a client is using. A connection waiting on a slow answer is not idle.
    idleTimer(socket, options.keepAliveTimeoutMs);
    conn.onTimeout = () => {
      if (idle(conn)) socket.destroy();
    };
    socket.on("timeout", conn.onTimeout);
    socket.on("error", noop);
    if ((socket as Readable).isPaused()) socket.resume();
    sweeping ??= clock.setTimeout(sweep, SWEEP_MS);
  }

  return {
    accept,
    drain() {
      draining = true;
      for (const conn of connections) {
        conn.draining = true;
        if (idle(conn)) conn.socket.end();
      }
    },
    closeIdle() {
      for (const conn of connections) if (idle(conn)) conn.socket.destroy();
    },
    destroyAll() {
      sweeping?.cancel();
      sweeping = undefined;
      for (const conn of connections) conn.socket.destroy();
    },
  };
}
