// One request received by the HTTP/2 server session (server-session.ts) and the response written
// back: the request's pseudo-headers and fields, its body as a StreamBody (only when it has one),
// and the calls the exchange answers through — a whole response at once, or headers, body chunks
// with backpressure and trailers, or a reset.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { ServerSession } from "./server-session";
import { H2Stream, type StreamBody } from "./stream";
import { neverIndexedOf, toFields, toTrailerFields } from "./fields";
import { runListener } from "../core/run-listener";

export class ServerStream extends H2Stream {
  /** The request body; undefined when the request's headers ended the stream. */
  body: StreamBody | undefined = undefined;
  /** Response headers sent. */
  headersSent = false;
  /** The response carries no body (HEAD request, 204, 304): body bytes are dropped. */
  noBody = false;
  /** Request body bytes its content-length still promises (-1: no content-length). */
  expected = -1;
  /** The reader let go of the request body: what still arrives is credited and dropped. */
  discarding = false;
  /** Request fields the client sent "never indexed" (HPACK §6.2.3), to be sent on the same way. */
  neverIndexed: string[] | undefined = undefined;
  /** Runs when the queue is short again after write() returned false. */
  onDrained: (() => void) | undefined = undefined;
  private closeListeners: (() => void) | Array<() => void> | undefined = undefined;

  constructor(
    readonly session: ServerSession,
    id: number,
    readonly method: string,
    readonly scheme: string,
    /** `:authority` as sent ("" when absent; a `host` field may stand in). */
    readonly authority: string,
    readonly path: string,
    /** The regular fields (no pseudo-headers), repeated ones combined as node:http2 does. */
    readonly headers: IncomingHttpHeaders,
    recvWindow: number,
    /** When the stream opened (the session's clock, ms). */
    readonly openedAt: number,
  ) {
    super(recvWindow);
    this.id = id;
  }

  /** The stream is over: the response was sent whole, or either side reset it, or the connection went. */
  get closed(): boolean {
    return this.done;
  }

  /** `fn` runs once, when the stream is over (now, if it is). */
  onClose(fn: () => void): void {
    if (this.done) return fn();
    const l = this.closeListeners;
    if (l === undefined) this.closeListeners = fn;
    else if (Array.isArray(l)) l.push(fn);
    else this.closeListeners = [l, fn];
  }

  /** Runs the close listeners (the session calls this once). */
  emitClose(): void {
    const l = this.closeListeners;
    this.closeListeners = undefined;
    if (l === undefined) return;
    if (Array.isArray(l)) for (const fn of l) runListener(fn);
    else runListener(l);
  }

  /**
   * Sends the response headers. With `body` null the stream ends with them; with a Buffer that is
   * the whole body; with undefined the body follows through write() and end().
   */
  respond(status: number, headers: OutgoingHttpHeaders, body?: Buffer | null, neverIndexed?: readonly string[]): void {
    this.session.respond(this, status, toFields([":status", String(status)], headers), body, neverIndexed);
  }

  /** A body chunk; false when the writer should wait for `onDrained`. */
  write(chunk: Buffer): boolean {
    if (this.noBody) return true;
    return this.session.write(this, chunk);
  }

  /** Ends the response, with trailers if any. */
  end(trailers?: OutgoingHttpHeaders): void {
    if (trailers === undefined) this.session.end(this);
    else this.session.end(this, toTrailerFields(trailers), neverIndexedOf(trailers));
  }

  /** Resets the stream (RST_STREAM with `code`). */
  reset(code: number): void {
    this.session.resetStream(this, code);
  }

  drained(): void {
    this.onDrained?.();
  }

  letGo(): void {
    this.discarding = true;
    this.session.credit(this);
  }
}
