// One request/response exchange of the HTTP/2 client session (client-session.ts): the stream's
// state record, and its response body as a Readable when the body did not arrive with the headers.
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { codedError } from "../core/errors";
import type { ClientSession } from "./client-session";
import { H2Error } from "./frames";

export interface ClientResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body when it came with the headers (and no trailers), a stream otherwise, null when there is none. */
  body: ResponseBody | Buffer | null;
}

function noop(): void {}

/** The response body of one stream: a Readable that also tells how the stream ended. */
export class ResponseBody extends Readable {
  /** RST_STREAM code when the stream was reset (by either side), else undefined. */
  rstCode: number | undefined = undefined;

  constructor(private readonly stream: ClientStream) {
    super();
    // A reset can come before the exchange listens (or after a retry layer dropped the response):
    // never an unhandled 'error'. Readers that listen still get it.
    this.on("error", noop);
  }

  override _read(): void {
    this.stream.session.credit(this.stream);
  }

  /** The stream ended: `trailers` (if any) are emitted just before 'end', when the reader has listened. */
  finish(trailers: IncomingHttpHeaders | undefined): void {
    if (trailers !== undefined) this.prependOnceListener("end", () => this.emit("trailers", trailers));
    this.push(null);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    // The reader gave up before the end: the upstream need not send the rest.
    if (!this.stream.done) this.stream.cancel(H2Error.Cancel);
    callback(err);
  }
}

/** One request/response exchange on the session. */
export class ClientStream {
  id = 0;
  /** Both directions finished, or the stream was reset. */
  done = false;
  /** RST_STREAM code when reset, by either side. */
  rstCode: number | undefined = undefined;
  sendWindow = 0;
  /** Bytes received and handed to the reader but not yet credited back to the peer. */
  unacked = 0;
  /** Receive window left (what the peer may still send). */
  recvWindow: number;
  /** Request body bytes waiting for window. */
  readonly queue: Buffer[] = [];
  queued = 0;
  /** The request body has ended (END_STREAM to send after the queue). */
  ending = false;
  /** END_STREAM sent. */
  localClosed = false;
  /** END_STREAM received. */
  remoteClosed = false;
  source: Readable | undefined = undefined;
  /** Stops listening to the request body source. */
  detach: (() => void) | undefined = undefined;
  sourcePaused = false;
  /** Response headers seen (non-informational). */
  responded = false;
  body: ResponseBody | undefined = undefined;
  /** Body bytes that arrived in the same read as the headers, while deciding Buffer or stream. */
  early: Buffer[] | undefined = undefined;
  earlyEnded = false;
  /** The request was HEAD (a content-length then describes no body). */
  head = false;
  /** Body bytes the response's content-length still promises (-1: no content-length). */
  expected = -1;
  earlyTrailers: IncomingHttpHeaders | undefined = undefined;
  status = 0;
  headers: IncomingHttpHeaders | undefined = undefined;
  resolve: ((r: ClientResponse) => void) | undefined;
  reject: ((err: Error) => void) | undefined;
  /** A reset that came in the same read as the response headers: the response fails instead. */
  failure: Error | undefined = undefined;
  /** HEADERS to send once the session has a free stream slot. */
  pendingHeaders: string[] | undefined;

  constructor(
    readonly session: ClientSession,
    headers: string[],
    recvWindow: number,
    resolve: (r: ClientResponse) => void,
    reject: (err: Error) => void,
  ) {
    this.pendingHeaders = headers;
    this.recvWindow = recvWindow;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** Resets the stream (RST_STREAM with `code`); a pending response fails, a body in flight errors. */
  cancel(code: number = H2Error.Cancel): void {
    if (this.done) return;
    this.session.reset(this, code, codedError(`stream closed before response headers (RST_STREAM code ${code}, by the proxy)`, "ERR_HTTP2_STREAM_ERROR"), true);
  }
}
