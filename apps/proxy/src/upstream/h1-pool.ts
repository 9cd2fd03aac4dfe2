// HTTP/1.1 keep-alive connections to one endpoint (plaintext or TLS), one request at a time per
// connection, parsed by llhttp (http1/llhttp.ts) with no per-request stream objects on the common
// path: a response whose body arrived with its head (the usual small answer) is returned as one
// Buffer; a longer one streams as a Readable with backpressure and emits `trailers` before its end.
// Idle connections are reused newest first and closed after the keep-alive time (or the server's
// shorter `Keep-Alive: timeout` hint); a request that finds its reused connection closed by the
// server before any answer is sent once more on a new connection when that is safe (idempotent,
// and a body that can be sent again: none, a Buffer, or a stream kept by BodyReplay) — the race
// every keep-alive client meets.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { codedError } from "../core/errors";
import { IncomingBody } from "../http1/incoming-body";
import {
  createParser,
  headersOf,
  HeadPairs,
  HTTPParser,
  kOnBody,
  kOnHeaders,
  kOnHeadersComplete,
  kOnMessageComplete,
  PARSE_BODY,
  SKIP_BODY,
  STOP_UPGRADE,
  type LlhttpParser,
} from "../http1/llhttp";
import { chunkHeader, COALESCE_BYTES, joinHead, lastChunk, requestHead } from "../http1/serialize";
import { forwardableTrailers } from "../http2/fields";
import { BodyReplay } from "./body-replay";
import { kSharedReads, kUpstreamPeer, type UpstreamSocket } from "./connect";

export interface H1Request {
  method: string;
  /** Origin-form target (path and query). */
  path: string;
  headers: IncomingHttpHeaders;
  body: Readable | Buffer | null;
  signal?: AbortSignal;
}

export interface H1Response {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** The whole body when it came with the head, a stream otherwise, null when the response has none. */
  body: Readable | Buffer | null;
  /** SPIFFE ID the upstream proved (TLS connections). */
  peer: string | undefined;
}

export interface H1PoolOptions {
  /**
   * Opens a connection (connect-phase errors are marked, see connect.ts). A plaintext connection
   * may deliver its reads to `onRead` in a shared buffer (marked kSharedReads); others emit 'data'.
   */
  connect(onRead: (bytes: Buffer) => void): UpstreamSocket;
  /** `Host` for requests that carry none. */
  authority: string;
  keepAliveTimeoutMs: number;
  /** Time from sending a request to its response head, ms; 0 = none. */
  headersTimeoutMs: number;
}

export interface H1Pool {
  request(req: H1Request): Promise<H1Response>;
  /** Closes idle connections now and busy ones once their exchange is done. */
  close(): void;
  /** Fails what is in flight and closes every connection. */
  destroy(): void;
  /** Closes connections idle too long and fails requests waiting too long for a head. */
  sweep(now: number): void;
  connections(): number;
}

const IDEMPOTENT = new Set(["GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"]);
const BODY_METHODS = new Set(["POST", "PUT", "PATCH"]);

function abortError(signal: AbortSignal): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : codedError("request aborted", "ABORT_ERR");
}

/** The server's `Keep-Alive: timeout=N` hint in ms, minus a second of margin; undefined without one. */
function keepAliveHint(value: string | string[] | undefined): number | undefined {
  if (typeof value !== "string") return undefined;
  const m = /timeout=(\d+)/i.exec(value);
  return m === null ? undefined : Math.max(0, Number(m[1]) * 1000 - 1000);
}

/** One request in flight on a connection. */
class Exchange {
  status = 0;
  headers: IncomingHttpHeaders | undefined = undefined;
  /** Body chunks parsed before the response was handed over. */
  chunks: Buffer[] = [];
  stream: IncomingBody | undefined = undefined;
  trailers: IncomingHttpHeaders | undefined = undefined;
  /** Parsing a 1xx interim response (ignored). */
  interim = false;
  /** The response has no body (HEAD, 204, 304). */
  noBody = false;
  complete = false;
  handedOver = false;
  /** The request (head and body) is fully written. */
  sent = false;
  /** Any response byte arrived. */
  answered = false;
  keepAlive = true;
  sentAt = 0;
  onAbort: (() => void) | undefined = undefined;
  detachBody: (() => void) | undefined = undefined;
  /** A streamed body's first bytes, kept until the answer starts, to send it again after a stale connection. */
  replay: BodyReplay | undefined = undefined;

  constructor(
    readonly req: H1Request,
    readonly resolve: (res: H1Response) => void,
    readonly reject: (err: Error) => void,
    /** Sent once more after a stale keep-alive connection already. */
    readonly retried: boolean,
  ) {}
}

class Connection {
  readonly parser: LlhttpParser;
  current: Exchange | undefined = undefined;
  served = 0;
  idleSince = 0;
  keepAliveMs: number;
  dead = false;
  readonly head = new HeadPairs();
  /** The server sent more than one response to a request. */
  desynced = false;

  constructor(
    readonly socket: UpstreamSocket,
    keepAliveMs: number,
  ) {
    this.parser = createParser(HTTPParser.RESPONSE);
    this.keepAliveMs = keepAliveMs;
  }
}

export function createH1Pool(options: H1PoolOptions, now: () => number): H1Pool {
  const idle: Connection[] = [];
  const busy = new Set<Connection>();
  let closing = false;

  function open(): Connection {
    // Reads cannot arrive before `conn` is set: the socket is still connecting.
    let conn: Connection | undefined;
    const socket = options.connect((bytes) => onData(conn!, bytes));
    conn = new Connection(socket, options.keepAliveTimeoutMs);
    return listen(conn);
  }

  function listen(conn: Connection): Connection {
    const socket = conn.socket;
    const parser = conn.parser;
    // On a shared read buffer (reused by the next read) nothing here may keep a view of a read:
    // llhttp's binding hands body bytes over as copies and head fields as strings.
    const sharedReads = socket[kSharedReads] === true;
    // Pairs flushed early: a head's first 32 when it has more, every head on a connection after a
    // response that had trailers, and (after headers-complete) the trailers.
    parser[kOnHeaders] = (raw: string[]) => conn.head.add(raw);
    parser[kOnHeadersComplete] = (_major: number, _minor: number, raw: string[] | undefined, _method: unknown, _url: unknown, status: number, _msg: unknown, upgrade: boolean, keepAlive: boolean) => {
      const ex = conn.current;
      const pairs = conn.head.take(raw);
      if (ex === undefined) return SKIP_BODY;
      if (ex.complete) {
        // A second response to one request: the connection is out of step and cannot be trusted.
        conn.desynced = true;
        return SKIP_BODY;
      }
      if (status < 200 && status !== 101) {
        ex.interim = true; // 100 Continue, 103 Early Hints: the real response follows
        return SKIP_BODY;
      }
      ex.status = status;
      ex.headers = headersOf(pairs);
      ex.keepAlive = keepAlive;
      if (upgrade || status === 101) {
        ex.keepAlive = false;
        return STOP_UPGRADE;
      }
      const hint = keepAliveHint(ex.headers["keep-alive"]);
      if (hint !== undefined && hint < conn.keepAliveMs) conn.keepAliveMs = hint;
      if (ex.req.method === "HEAD" || status === 204 || status === 304) {
        ex.noBody = true;
        return SKIP_BODY;
      }
      return PARSE_BODY;
    };
    parser[kOnBody] = (chunk: Buffer) => {
      const ex = conn.current;
      if (ex === undefined) return;
      if (ex.stream !== undefined) ex.stream.deliver(chunk);
      else if (!ex.handedOver) ex.chunks.push(chunk);
    };
    parser[kOnMessageComplete] = () => {
      const ex = conn.current;
      const trailers = conn.head.takeTrailers();
      if (ex === undefined) return;
      if (ex.interim) {
        ex.interim = false;
        return;
      }
      ex.complete = true;
      ex.trailers = trailers;
      ex.stream?.complete(trailers);
    };
    if (!sharedReads) socket.on("data", (chunk: Buffer) => onData(conn, chunk));
    // A body without length or chunking ends with the connection: llhttp completes it on finish().
    socket.on("end", () => onEnd(conn));
    socket.on("error", (err: Error) => fail(conn, err));
    socket.on("close", () => fail(conn, codedError(`upstream ${options.authority} closed the connection before the response was complete`, "WEFT_UPSTREAM_CLOSED")));
    return conn;
  }

  function onData(conn: Connection, chunk: Buffer): void {
    const ex = conn.current;
    if (ex === undefined) {
      // Bytes nobody asked for on an idle connection: it cannot be trusted any more.
      conn.socket.destroy();
      return;
    }
    ex.answered = true;
    ex.replay?.stop();
    const ret = conn.parser.execute(chunk);
    if (typeof ret !== "number") {
      if (ex.complete) {
        // Stray bytes after a complete response (more than its content-length, a body on a HEAD
        // answer): the response stands, as nginx relays it; the connection is not trusted again.
        conn.dead = true;
        if (!ex.handedOver) handOver(ex, conn);
        done(conn, ex);
        return;
      }
      conn.socket.destroy(codedError(`invalid HTTP/1.1 response from ${options.authority}: ${ret.reason ?? ret.code}`, "WEFT_UPSTREAM_PROTOCOL"));
      return;
    }
    if (conn.desynced) {
      // A second response, not stray bytes: the first may be half of a split response.
      conn.socket.destroy(codedError(`${options.authority} sent more than one response to a request`, "WEFT_UPSTREAM_PROTOCOL"));
      return;
    }
    if (ex.status === 101) {
      conn.socket.destroy(codedError(`${options.authority} switched protocols on a request that did not ask to`, "WEFT_UPSTREAM_PROTOCOL"));
      return;
    }
    if (ex.headers !== undefined && !ex.handedOver) handOver(ex, conn);
    if (ex.complete) done(conn, ex);
  }

  function onEnd(conn: Connection): void {
    const ex = conn.current;
    if (ex === undefined || ex.headers === undefined || ex.complete) return;
    const ret = conn.parser.finish();
    if (ret !== undefined && typeof ret !== "number") return; // incomplete: 'close' fails it
    if (!ex.handedOver) handOver(ex, conn);
    if (ex.complete) done(conn, ex);
  }

  /** The response head is in: give it to the caller with the body whole (if it is) or as a stream. */
  function handOver(ex: Exchange, conn: Connection): void {
    ex.handedOver = true;
    unlistenAbort(ex);
    let body: Readable | Buffer | null;
    if (ex.noBody) {
      body = null;
    } else if (ex.complete && ex.trailers === undefined) {
      body = ex.chunks.length === 1 ? ex.chunks[0]! : Buffer.concat(ex.chunks);
    } else {
      const stream = new IncomingBody(conn.socket, () => {
        // The reader gave up before the end: the rest would arrive on a connection nobody reads.
        if (conn.current === ex) conn.socket.destroy();
      });
      for (const c of ex.chunks) stream.deliver(c);
      // Complete already (it had trailers): its readers attach once the layers above have the
      // response — after this turn's promise continuations — so the trailers wait for them.
      if (ex.complete) setImmediate(() => stream.complete(ex.trailers));
      ex.stream = stream;
      body = stream;
    }
    ex.chunks = [];
    const signal = ex.req.signal;
    if (signal !== undefined && ex.stream !== undefined && !ex.complete) {
      // A timeout firing mid-body ends the body (as with any client), and the connection with it.
      const stream = ex.stream;
      const onAbort = () => stream.fail(abortError(signal));
      signal.addEventListener("abort", onAbort, { once: true });
      stream.once("close", () => signal.removeEventListener("abort", onAbort));
    }
    ex.resolve({ statusCode: ex.status, headers: ex.headers!, body, peer: conn.socket[kUpstreamPeer] });
  }

  /** The response is complete: the connection goes back to the pool if its request is fully sent too. */
  function done(conn: Connection, ex: Exchange): void {
    detach(ex);
    conn.current = undefined;
    busy.delete(conn);
    conn.served++;
    if (!ex.sent || !ex.keepAlive || closing || conn.dead) {
      conn.dead = true;
      conn.socket.destroy();
      return;
    }
    conn.idleSince = now();
    // Backpressure may have paused it while the last of the body was read.
    if (conn.socket.isPaused()) conn.socket.resume();
    idle.push(conn);
  }

  function unlistenAbort(ex: Exchange): void {
    if (ex.onAbort !== undefined) {
      ex.req.signal?.removeEventListener("abort", ex.onAbort);
      ex.onAbort = undefined;
    }
  }

  function detach(ex: Exchange): void {
    unlistenAbort(ex);
    ex.detachBody?.();
    ex.detachBody = undefined;
    ex.replay?.stop();
    ex.replay = undefined;
  }

  function fail(conn: Connection, err: Error): void {
    if (!conn.dead) {
      conn.dead = true;
      const i = idle.indexOf(conn);
      if (i !== -1) idle.splice(i, 1);
      busy.delete(conn);
    }
    const ex = conn.current;
    if (ex === undefined) return;
    conn.current = undefined;
    const replay = ex.replay;
    ex.replay = undefined;
    detach(ex);
    if (ex.handedOver) {
      ex.stream?.fail(err);
      return;
    }
    ex.handedOver = true;
    const body = ex.req.body;
    if (!ex.answered && !ex.retried && conn.served > 0 && IDEMPOTENT.has(ex.req.method) && !ex.req.signal?.aborted) {
      // The server closed this keep-alive connection as we reused it: one more try on a fresh one,
      // when the body can be sent again (none, a Buffer, or a stream that had sent no more than
      // REPLAY_LIMIT_BYTES), as the HTTP/2 path does for a refused stream (forward.ts).
      const again = body === null || Buffer.isBuffer(body) ? body : replay?.replay();
      if (again !== undefined) {
        dispatch(new Exchange(again === body ? ex.req : { ...ex.req, body: again }, ex.resolve, ex.reject, true));
        return;
      }
    }
    replay?.stop();
    ex.reject(err);
  }

  function acquire(): Connection {
    while (idle.length > 0) {
      const conn = idle.pop()!;
      if (!conn.dead && !conn.socket.destroyed) return conn;
    }
    return open();
  }

  function dispatch(ex: Exchange): void {
    const req = ex.req;
    const signal = req.signal;
    if (signal?.aborted) return ex.reject(abortError(signal));
    const conn = acquire();
    conn.current = ex;
    busy.add(conn);
    ex.sentAt = now();
    if (signal !== undefined) {
      ex.onAbort = () => {
        if (conn.current === ex && !ex.handedOver) {
          // The connection is mid-exchange: it cannot serve anyone else.
          ex.handedOver = true;
          conn.current = undefined;
          conn.dead = true;
          busy.delete(conn);
          detach(ex);
          conn.socket.destroy();
          ex.reject(abortError(signal));
        }
      };
      signal.addEventListener("abort", ex.onAbort, { once: true });
    }
    try {
      write(conn, ex);
    } catch (err) {
      // A header the layers produced cannot be sent: nothing reached the wire yet.
      conn.current = undefined;
      busy.delete(conn);
      detach(ex);
      ex.handedOver = true;
      idle.push(conn);
      ex.reject(err as Error);
    }
  }

  function write(conn: Connection, ex: Exchange): void {
    const { method, path, headers, body } = ex.req;
    const socket = conn.socket;
    const host = headers.host === undefined ? `host: ${options.authority}\r\n` : "";
    if (body === null) {
      const framing = BODY_METHODS.has(method) ? "content-length: 0\r\n" : "";
      socket.write(requestHead(method, path, headers, host + framing), "latin1");
      ex.sent = true;
      return;
    }
    if (Buffer.isBuffer(body)) {
      const head = requestHead(method, path, headers, `${host}content-length: ${body.length}\r\n`);
      if (body.length <= COALESCE_BYTES) {
        socket.write(joinHead(head, body));
      } else {
        socket.cork();
        socket.write(head, "latin1");
        socket.write(body);
        socket.uncork();
      }
      ex.sent = true;
      return;
    }
    // A stream: its declared length passes through; without one it is sent chunked.
    if (body.destroyed) throw codedError("the request body was aborted before it could be sent", "WEFT_BODY_FAILED");
    const declared = headers["content-length"];
    const length = declared === undefined ? -1 : Number(declared);
    const chunked = length < 0;
    socket.write(requestHead(method, path, headers, `${host}${chunked ? "transfer-encoding: chunked\r\n" : `content-length: ${length}\r\n`}`), "latin1");
    let written = 0;
    const onData = (chunk: Buffer) => {
      if (conn.current !== ex) return;
      written += chunk.length;
      let ok: boolean;
      if (chunked) {
        socket.cork();
        socket.write(chunkHeader(chunk.length), "latin1");
        socket.write(chunk);
        ok = socket.write("\r\n", "latin1");
        socket.uncork();
      } else {
        ok = socket.write(chunk);
      }
      if (!ok) body.pause();
    };
    const onDrain = () => body.resume();
    let trailers: IncomingHttpHeaders | undefined;
    const onTrailers = (t: IncomingHttpHeaders) => (trailers = t);
    const onEnd = () => {
      ex.detachBody?.();
      ex.detachBody = undefined;
      if (!chunked && written !== length) {
        socket.destroy(codedError(`request body was ${written} bytes but content-length said ${length}`, "WEFT_BODY_LENGTH"));
        return;
      }
      // The client's trailers go on in the last chunk; with a declared length there is no place for them.
      if (chunked) {
        let last: string;
        try {
          last = lastChunk(trailers && forwardableTrailers(trailers));
        } catch (err) {
          // A trailer field that cannot be written (a control character): the request cannot end well.
          socket.destroy(codedError(`the request's trailers cannot be sent: ${(err as Error).message}`, "WEFT_BODY_FAILED"));
          return;
        }
        socket.write(last, "latin1");
      }
      ex.sent = true;
    };
    const onError = (err: Error) => socket.destroy(codedError(`the request body failed: ${err.message}`, "WEFT_BODY_FAILED"));
    // Destroyed without an error (the client went away): the upstream must not wait for the rest.
    const onClose = () => socket.destroy(codedError("the request body was aborted before its end", "WEFT_BODY_FAILED"));
    // Only a reused connection can turn out closed before any answer; only an idempotent request is sent again then.
    if (conn.served > 0 && !ex.retried && IDEMPOTENT.has(method)) ex.replay = new BodyReplay(body);
    // Listeners live only while this exchange writes its body (removed when it ends or the exchange does).
    body.on("data", onData).once("end", onEnd).once("error", onError).once("close", onClose).once("trailers", onTrailers);
    socket.on("drain", onDrain);
    ex.detachBody = () => {
      body.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose).off("trailers", onTrailers);
      socket.off("drain", onDrain);
    };
    if (body.isPaused()) body.resume();
  }

  return {
    request(req) {
      return new Promise<H1Response>((resolve, reject) => dispatch(new Exchange(req, resolve, reject, false)));
    },
    close() {
      closing = true;
      for (const conn of idle.splice(0)) {
        conn.dead = true;
        conn.socket.destroy();
      }
    },
    destroy() {
      closing = true;
      for (const conn of [...idle.splice(0), ...busy]) conn.socket.destroy();
      busy.clear();
    },
    sweep(t) {
      for (let i = idle.length - 1; i >= 0; i--) {
        const conn = idle[i]!;
        if (t - conn.idleSince >= conn.keepAliveMs) {
          idle.splice(i, 1);
          conn.dead = true;
          conn.socket.destroy();
        }
      }
      if (options.headersTimeoutMs <= 0) return;
      for (const conn of busy) {
        const ex = conn.current;
        if (ex !== undefined && !ex.handedOver && t - ex.sentAt >= options.headersTimeoutMs) {
          ex.answered = true; // a timeout, not a stale connection: never sent again
          conn.socket.destroy(codedError(`no response head from ${options.authority} within ${options.headersTimeoutMs} ms`, "WEFT_HEADERS_TIMEOUT"));
        }
      }
    },
    connections: () => idle.length + busy.size,
  };
}
