import { PassThrough, type Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { BodyReplay } from "./body-replay";

/** Everything a body gives its reader: the bytes, and the trailers if they came before the end. */
async function readAll(body: Readable): Promise<{ text: string; trailers: unknown }> {
  let trailers: unknown;
  body.once("trailers", (t) => (trailers = t));
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return { text: Buffer.concat(chunks).toString(), trailers };
}

/** A request body as the exchange hands it over: paused, trailers emitted just before the end. */
function requestBody(): PassThrough {
  return new PassThrough().pause();
}

function endWithTrailers(body: PassThrough, trailers: Record<string, string>): void {
  body.prependOnceListener("end", () => body.emit("trailers", trailers));
  body.end();
}

describe("BodyReplay", () => {
  it("gives a second attempt the bytes the first one sent, then the rest as it comes, trailers before the end", async () => {
    const source = requestBody();
    const replay = new BodyReplay(source, 1024);
    // The first attempt reads two chunks, then is refused and lets go of the body.
    const first: string[] = [];
    const onData = (c: Buffer) => first.push(c.toString());
    source.on("data", onData).resume();
    source.write("part1-");
    source.write("part2-");
    await new Promise((resolve) => setImmediate(resolve));
    source.off("data", onData);
    expect(first.join("")).toBe("part1-part2-");

    const again = replay.replay()!;
    source.write("part3");
    endWithTrailers(source, { "x-request-mac": "m4c" });
    expect(await readAll(again)).toEqual({ text: "part1-part2-part3", trailers: { "x-request-mac": "m4c" } });
  });

  it("replays a body that had ended, with its trailers", async () => {
    const source = requestBody();
    const replay = new BodyReplay(source, 1024);
    source.resume();
    source.write("whole");
    endWithTrailers(source, { "grpc-x": "1" });
    await new Promise((resolve) => setImmediate(resolve));
    expect(await readAll(replay.replay()!)).toEqual({ text: "whole", trailers: { "grpc-x": "1" } });
  });

  it("cannot replay once more than its limit was sent, nor after stop()", async () => {
    const big = requestBody();
    const overflowed = new BodyReplay(big, 8);
    big.resume();
    big.write("0123456789");
    await new Promise((resolve) => setImmediate(resolve));
    expect(overflowed.replay()).toBeUndefined();
    expect(big.listenerCount("data")).toBe(0); // the copy is let go

    const answered = requestBody();
    const stopped = new BodyReplay(answered, 1024);
    stopped.stop();
    expect(stopped.replay()).toBeUndefined();
    expect(answered.listenerCount("data")).toBe(0);
  });

  it("passes backpressure on: the source pauses while the second attempt does not read", async () => {
    const source = requestBody();
    const again = new BodyReplay(source, 1024).replay()!;
    source.resume();
    source.write(Buffer.alloc(32 * 1024));
    source.write(Buffer.alloc(32 * 1024));
    await new Promise((resolve) => setImmediate(resolve));
    // Nothing reads the second attempt's body yet: the source is paused, not drained into memory.
    expect(source.isPaused()).toBe(true);
    expect(again.readableLength).toBeLessThan(64 * 1024);
    const all = readAll(again);
    source.end();
    expect((await all).text.length).toBe(64 * 1024);
  });

  it("closes the second attempt's body, without an error event, when the source is aborted before its end", async () => {
    const source = requestBody();
    const again = new BodyReplay(source, 1024).replay()!;
    // Read as the HTTP/2 session reads a request body: no 'error' listener (an unhandled error would fail this test).
    let ended = false;
    const closed = new Promise<void>((resolve) => again.on("data", () => undefined).once("end", () => (ended = true)).once("close", resolve));
    source.destroy();
    await closed;
    expect(ended).toBe(false);
    expect(again.destroyed).toBe(true);
  });

  it("gives nothing to replay when the source was aborted before the replay was asked for", () => {
    const source = requestBody();
    const replay = new BodyReplay(source, 1024);
    source.destroy();
    expect(replay.replay()).toBeUndefined();
  });
});
