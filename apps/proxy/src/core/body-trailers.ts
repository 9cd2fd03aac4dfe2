// How a body stream carries its trailers inside the sidecar: a `trailers` event just before its
// `end` (the sessions' request and response bodies do it, and so must every stream that stands in
// for one: a replayed or mirrored request body), so a reader that has seen `end` has seen them.
import type { IncomingHttpHeaders } from "node:http";
import type { Readable } from "node:stream";

export function emitTrailersBeforeEnd(body: Readable, trailers: IncomingHttpHeaders): void {
  body.prependOnceListener("end", () => body.emit("trailers", trailers));
}
