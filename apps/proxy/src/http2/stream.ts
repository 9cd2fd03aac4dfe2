// One HTTP/2 stream as the connection core (connection.ts) sees it — flow-control windows, the
// bytes queued to send, how it ended — and its incoming body as a Readable that credits the peer's
// window as it is read. The client and server streams build on these.
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { emitTrailersBeforeEnd } from "../core/body-trailers";

function noop(): void {}

/** One stream as the connection sees it: its flow-control windows and the bytes queued to send. */
export abstract class H2Stream {
  id = 0;
  /** Both directions finished, or the stream was reset. */
  done = false;
  /** RST_STREAM code when reset, by either side. */
  rstCode: number | undefined = undefined;
  sendWindow = 0;
  /** Receive window left (what the peer may still send). */
  recvWindow: number;
  /** Bytes received and handed to the reader but not yet credited back to the peer. */
  unacked = 0;
  /** Bytes to send, waiting for window. */
  readonly queue: Buffer[] = [];
  queued = 0;
  /** Nothing more will be queued: END_STREAM follows the queue. */
  ending = false;
  /** Trailer fields (flat name/value pairs) that end the stream instead of an empty DATA frame. */
  trailers: string[] | undefined = undefined;
  /** Names among `trailers` to send never indexed. */
  trailersNeverIndexed: readonly string[] | undefined = undefined;
  /** END_STREAM sent. */
  localClosed = false;
  /** END_STREAM received. */
  remoteClosed = false;
  /** A write was refused (the queue is long): `drained` runs once it is short again. */
  needDrain = false;

  constructor(recvWindow: number) {
    this.recvWindow = recvWindow;
  }

  /** The queue is short again after a refused write. */
  abstract drained(): void;
  /** The reader of this stream's incoming body let go of it before its end. */
  abstract letGo(): void;
}

/** A stream's incoming body: a Readable that credits the peer as it is read and tells how the stream ended. */
export class StreamBody extends Readable {
  /** RST_STREAM code when the stream was reset (by either side), else undefined. */
  rstCode: number | undefined = undefined;

  constructor(
    private readonly connection: { credit(stream: H2Stream): void },
    private readonly stream: H2Stream,
  ) {
    super();
    // A reset can come before anyone listens (or after a retry layer dropped the body): never an
    // unhandled 'error'. Readers that listen still get it.
    this.on("error", noop);
  }

  override _read(): void {
    this.connection.credit(this.stream);
  }

  /** The stream ended: `trailers` (if any) are emitted just before 'end', when the reader has listened. */
  finish(trailers: IncomingHttpHeaders | undefined): void {
    if (trailers !== undefined) emitTrailersBeforeEnd(this, trailers);
    this.push(null);
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.stream.done) this.stream.letGo();
    callback(err);
  }
}

