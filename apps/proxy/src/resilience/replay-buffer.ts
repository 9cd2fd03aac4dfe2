// Request bodies for retries: read the downstream body into memory up to a bound (64 KiB) so each
// attempt can send it again, with its trailers. A larger body is not replayable: the caller gets a
// stream that replays what was read and continues with the rest, trailers included, for one
// attempt only. Trailers travel as every body's do (core/body-trailers.ts).
import type { IncomingHttpHeaders } from "node:http";
import { PassThrough, Readable } from "node:stream";
import { emitTrailersBeforeEnd } from "../core/body-trailers";

export const MAX_REPLAY_BYTES = 64 * 1024;

/** A whole request body, kept for as many attempts as it takes. */
export interface BufferedBody {
  bytes: Buffer;
  /** The request's trailers (an HTTP/2 client's, or a chunked HTTP/1.1 one's), if it sent any. */
  trailers: IncomingHttpHeaders | undefined;
}

/** The body for one attempt: the Buffer itself (written, never consumed), or a stream when trailers must follow it. */
export function attemptBody(body: BufferedBody): Buffer | Readable {
  if (body.trailers === undefined) return body.bytes;
  const stream = new Readable({ read() {} });
  emitTrailersBeforeEnd(stream, body.trailers);
  stream.push(body.bytes);
  stream.push(null);
  return stream;
}

export function bufferBody(body: Readable, declaredLength: number | undefined, maxBytes = MAX_REPLAY_BYTES): Promise<BufferedBody | Readable> {
  if (declaredLength !== undefined && declaredLength > maxBytes) return Promise.resolve(body);
  return new Promise<BufferedBody | Readable>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let trailers: IncomingHttpHeaders | undefined;
    const cleanup = () => {
      body.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose).off("trailers", onTrailers);
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size <= maxBytes) return;
      cleanup();
      body.pause();
      const rest = new PassThrough();
      // Failures reach the caller through the upstream request; the stream itself must not throw.
      rest.on("error", () => undefined);
      for (const c of chunks) rest.write(c);
      body.once("trailers", (t: IncomingHttpHeaders) => emitTrailersBeforeEnd(rest, t));
      body.pipe(rest);
      body.once("error", (err) => rest.destroy(err));
      resolve(rest);
    };
    const onTrailers = (t: IncomingHttpHeaders) => {
      trailers = t;
    };
    const onEnd = () => {
      cleanup();
      resolve({ bytes: Buffer.concat(chunks, size), trailers });
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error("the downstream request closed before its body was complete"));
    };
    body.on("data", onData).once("end", onEnd).once("error", onError).once("close", onClose).once("trailers", onTrailers);
    body.resume();
  });
}
