// A streamed request body's first bytes, kept while its first attempt is in flight, so that a
// request the upstream refused unprocessed (its GOAWAY, REFUSED_STREAM: RFC 9113 §8.7) can be sent
// once more on a fresh session, as gRPC's transparent retry does (forward.ts) — and an idempotent
// one whose reused HTTP/1.1 connection the server had closed, on a new one (h1-pool.ts). Up to
// `limit` bytes are kept; a body that had sent more when it was refused cannot be replayed. The
// copy is let go as soon as the attempt is answered (or failed) — `stop()`.
import type { IncomingHttpHeaders } from "node:http";
import { Readable } from "node:stream";
import { emitTrailersBeforeEnd } from "../core/body-trailers";

/** How much of a streamed body is kept for a transparent retry (a gRPC message or a small upload). */
export const REPLAY_LIMIT_BYTES = 64 * 1024;

export class BodyReplay {
  private chunks: Buffer[] = [];
  private size = 0;
  private recording = true;
  private ended = false;
  private trailers: IncomingHttpHeaders | undefined;

  constructor(
    private readonly source: Readable,
    private readonly limit = REPLAY_LIMIT_BYTES,
  ) {
    // A listener on a paused stream does not start it: the attempt's reader does.
    source.on("data", this.onData).once("end", this.onEnd).once("trailers", this.onTrailers);
  }

  private readonly onData = (chunk: Buffer): void => {
    this.size += chunk.length;
    if (this.size > this.limit) this.stop();
    else this.chunks.push(chunk);
  };

  private readonly onEnd = (): void => {
    this.ended = true;
  };

  private readonly onTrailers = (t: IncomingHttpHeaders): void => {
    this.trailers = t;
  };

  /** Stops keeping the body (the attempt was answered, or more than the limit was sent). */
  stop(): void {
    if (!this.recording) return;
    this.recording = false;
    this.chunks = [];
    this.source.off("data", this.onData).off("end", this.onEnd).off("trailers", this.onTrailers);
  }

  /**
   * The whole body again for a second attempt: the bytes sent so far, then the rest of the source as
   * it comes, trailers before the end, backpressure passed on; undefined when more than the limit
   * was sent, the source was aborted before its end, or the replay was stopped.
   */
  replay(): Readable | undefined {
    const { source, chunks, ended, trailers } = this;
    // Stopped, past the limit, or the client already gone (aborted before its end).
    const usable = this.recording && (ended || !source.destroyed);
    this.stop();
    if (!usable) return undefined;
    let last = trailers;
    const onData = (chunk: Buffer) => {
      if (!again.push(chunk)) source.pause();
    };
    const onTrailers = (t: IncomingHttpHeaders) => (last = t);
    const onEnd = () => {
      detach();
      finish();
    };
    // Gone before its end (the client left): the second attempt must not wait for the rest. Its
    // reader sees the close (the HTTP/2 session cancels the stream); no error event, which the
    // session does not listen for.
    const onClose = () => {
      detach();
      again.destroy();
    };
    const detach = () => source.off("data", onData).off("end", onEnd).off("close", onClose).off("trailers", onTrailers);
    const finish = () => {
      if (last !== undefined) emitTrailersBeforeEnd(again, last);
      again.push(null);
    };
    const again = new Readable({
      read: () => {
        if (!ended && source.isPaused()) source.resume();
      },
      destroy: (err, done) => {
        detach();
        done(err);
      },
    });
    for (const chunk of chunks) again.push(chunk);
    if (ended) finish();
    else source.on("data", onData).once("end", onEnd).once("close", onClose).once("trailers", onTrailers);
    return again;
  }
}
