// Helpers shared by the HPACK tests (hpack.test.ts, hpack-interop.test.ts).
import type { HpackDecoder } from "./hpack";

/** Decodes one header block into the flat [name, value, name, value, …] list the codec uses. */
export function decode(decoder: HpackDecoder, block: Buffer | number[]): string[] {
  const buf = Buffer.isBuffer(block) ? block : Buffer.from(block);
  const out: string[] = [];
  decoder.decode(buf, 0, buf.length, out);
  return out;
}

export function pairs(flat: readonly string[]): [string, string][] {
  const result: [string, string][] = [];
  for (let i = 0; i < flat.length; i += 2) result.push([flat[i]!, flat[i + 1]!]);
  return result;
}
