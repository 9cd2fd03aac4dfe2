// A body stream that can be produced again from memory: a retried request's buffered body sent with
// its trailers (resilience/replay-buffer.ts). Marked so that the upstream pool may send the request
// once more on a fresh connection, as it does for a Buffer body, when a reused keep-alive
// connection turns out to be closed before any answer.
import type { Readable } from "node:stream";

const kReplay = Symbol("weft.replay");

type Replayable = Readable & { [kReplay]?: () => Readable };

/** Marks `stream` as replayable: `fresh()` returns a new stream with the same bytes and trailers. */
export function markReplayable(stream: Readable, fresh: () => Readable): void {
  (stream as Replayable)[kReplay] = fresh;
}

/** A fresh copy of a replayable body stream; undefined when the stream cannot be produced again. */
export function replayBody(stream: Readable): Readable | undefined {
  return (stream as Replayable)[kReplay]?.();
}
