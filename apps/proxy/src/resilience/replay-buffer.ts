// Request bodies for retries: read the downstream body into memory up to a bound (64 KiB) so each
// attempt can send it again. A larger body is not replayable: the caller gets a stream that
// replays what was read and continues with the rest, for one attempt only.
import { PassThrough, type Readable } from "node:stream";

export const MAX_REPLAY_BYTES = 64 * 1024;

export function bufferBody(body: Readable, declaredLength: number | undefined, maxBytes = MAX_REPLAY_BYTES): Promise<Buffer | Readable> {
  if (declaredLength !== undefined && declaredLength > maxBytes) return Promise.resolve(body);
  return new Promise<Buffer | Readable>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const cleanup = () => {
      body.off("data", onData).off("end", onEnd).off("error", onError).off("close", onClose);
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
      body.pipe(rest);
      body.once("error", (err) => rest.destroy(err));
      resolve(rest);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (err: Error) => {
      cleanup();
      reject(err);
    };
    const onClose = () => {
      cleanup();
      reject(new Error("the downstream request closed before its body was complete"));
    };
    body.on("data", onData).once("end", onEnd).once("error", onError).once("close", onClose);
    body.resume();
  });
}
