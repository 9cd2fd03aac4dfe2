// One request/response exchange of the HTTP/2 client session (client-session.ts): the stream's
// state record; its response body, when the body did not arrive with the headers, is a StreamBody.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";
import { codedError } from "../core/errors";
import type { ClientSession } from "./client-session";
import { H2Stream, StreamBody } from "./stream";
import { H2Error } from "./frames";

export interface ClientResponse {
  status: number;
  headers: IncomingHttpHeaders;
  /** The whole body when it came with the headers (and no trailers), a stream otherwise, null when there is none. */
  body: StreamBody | Buffer | null;
  /** Response fields the server sent "never indexed" (HPACK §6.2.3). */
  neverIndexed?: string[] | undefined;
}

/** One request/response exchange on the session. */
export class ClientStream extends H2Stream {
  source: Readable | undefined = undefined;
  /** Stops listening to the request body source. */
  detach: (() => void) | undefined = undefined;
  sourcePaused = false;
  /** Response headers seen (non-informational). */
  responded = false;
  body: StreamBody | undefined = undefined;
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
  /** HEADERS to send once the session has a free stream slot, and which of them are never indexed. */
  pendingHeaders: string[] | undefined;
  pendingNeverIndexed: readonly string[] | undefined = undefined;
  /** Response fields the server sent never indexed. */
  neverIndexed: string[] | undefined = undefined;

  constructor(
    readonly session: ClientSession,
    headers: string[],
    recvWindow: number,
    resolve: (r: ClientResponse) => void,
    reject: (err: Error) => void,
  ) {
    super(recvWindow);
    this.pendingHeaders = headers;
    this.resolve = resolve;
    this.reject = reject;
  }

  /** The request body may flow again. */
  drained(): void {
    if (this.sourcePaused) {
      this.sourcePaused = false;
      this.source?.resume();
    }
  }

  /** The reader gave up on the response before its end: the upstream need not send the rest. */
  letGo(): void {
    this.cancel(H2Error.Cancel);
  }

  /** Resets the stream (RST_STREAM with `code`); a pending response fails, a body in flight errors. */
  cancel(code: number = H2Error.Cancel): void {
    if (this.done) return;
    this.session.reset(this, code, codedError(`stream closed before response headers (RST_STREAM code ${code}, by the proxy)`, "ERR_HTTP2_STREAM_ERROR"), true);
  }
}
