// gRPC's length-prefixed messages (gRPC over HTTP/2, "Length-Prefixed-Message"): a one-byte
// compressed flag, a four-byte big-endian length, then the message. Framing one message to send,
// and a reader that takes a body in whatever chunks HTTP/2 delivered and gives back whole messages.

const PREFIX = 5;

/** One message as it goes on the wire, uncompressed. */
export function frameMessage(message: Uint8Array): Buffer {
  const out = Buffer.allocUnsafe(PREFIX + message.length);
  out[0] = 0;
  out.writeUInt32BE(message.length, 1);
  out.set(message, PREFIX);
  return out;
}

/** A body that does not frame as gRPC messages; the message says why. */
export class FramingError extends Error {
  constructor(
    message: string,
    /** A message over the size limit (RESOURCE_EXHAUSTED), rather than a malformed one. */
    readonly tooLarge = false,
  ) {
    super(message);
  }
}

/** Reassembles messages from body chunks. */
export class MessageReader {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxMessageBytes: number) {}

  /** Bytes of an incomplete message held (0 when the body so far ends on a message boundary). */
  get pending(): number {
    return this.buffered;
  }

  /** Adds a chunk; returns the messages it completed, in order. Throws FramingError on a bad prefix. */
  push(chunk: Buffer): Buffer[] {
    if (chunk.length === 0) return [];
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const out: Buffer[] = [];
    while (this.buffered >= PREFIX) {
      const head = this.peekPrefix();
      if (head[0] !== 0) {
        throw new FramingError(head[0] === 1 ? "the message is compressed, and this client asked for no compression" : `the message's compressed flag is ${head[0]}, not 0 or 1`);
      }
      const length = head.readUInt32BE(1);
      if (length > this.maxMessageBytes) throw new FramingError(`a message of ${length} bytes is over the ${this.maxMessageBytes}-byte limit`, true);
      if (this.buffered < PREFIX + length) break;
      const whole = this.take(PREFIX + length);
      out.push(whole.subarray(PREFIX));
    }
    return out;
  }

  private peekPrefix(): Buffer {
    const first = this.chunks[0]!;
    if (first.length >= PREFIX) return first;
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined;
  }

  private take(n: number): Buffer {
    const first = this.chunks[0]!;
    this.buffered -= n;
    if (first.length === n) {
      this.chunks.shift();
      return first;
    }
    if (first.length > n) {
      this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const joined = Buffer.concat(this.chunks);
    this.chunks = joined.length > n ? [joined.subarray(n)] : [];
    return joined.subarray(0, n);
  }
}
