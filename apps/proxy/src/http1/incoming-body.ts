// The body of a message being parsed, as a Readable for the layers: chunks llhttp hands over are
// pushed as they come; when the reader falls behind the socket is paused (backpressure) and resumed
// when it reads again. Trailer fields are emitted as `trailers` before the end, like an HTTP/2 stream.
import { Readable } from "node:stream";
import type { IncomingHttpHeaders } from "node:http";
import { emitTrailersBeforeEnd } from "../core/body-trailers";

export interface BodySource {
  pause(): unknown;
  resume(): unknown;
}

export class IncomingBody extends Readable {
  /** The reader destroyed the body before its end (the owner stops delivering and may drop the connection). */
  abandoned = false;
  /** The parser saw the whole message. */
  finished = false;

  constructor(
    private readonly source: BodySource,
    private readonly onAbandon: (body: IncomingBody) => void,
  ) {
    super();
  }

  override _read(): void {
    this.source.resume();
  }

  override _destroy(err: Error | null, callback: (err?: Error | null) => void): void {
    if (!this.finished) {
      this.abandoned = true;
      this.onAbandon(this);
    }
    callback(err);
  }

  /** A chunk from the parser; pauses the socket while the reader has enough buffered. */
  deliver(chunk: Buffer): void {
    if (this.abandoned || this.destroyed) return;
    if (!this.push(chunk)) this.source.pause();
  }

  /** The message is complete (with its trailer fields, if any). */
  complete(trailers: IncomingHttpHeaders | undefined): void {
    this.finished = true;
    // Nothing more of this message is on the connection: let it read the next one.
    this.source.resume();
    if (this.destroyed) return;
    // Emitted just before 'end', not now: the reader may attach later (an upstream connection
    // still opening, a retry layer buffering), and would miss them.
    if (trailers !== undefined) emitTrailersBeforeEnd(this, trailers);
    this.push(null);
  }

  /** The connection failed before the message was complete (an error only for readers that listen for one, as node:http). */
  fail(err: Error): void {
    if (!this.destroyed && !this.finished) this.destroy(this.listenerCount("error") > 0 ? err : undefined);
  }
}
