// Interns series keys to small integer ids with a hard cap: the store's cardinality guard. An id
// lives while any stored record uses it, then is recycled.
import { keyString, type SeriesKey } from "./record";

export class SeriesRegistry {
  private readonly ids = new Map<string, number>();
  private readonly keyStrings: string[] = [];
  /** By id; undefined for a recycled id. */
  readonly keys: Array<SeriesKey | undefined> = [];
  /** Records (across both tiers) that use each id. */
  private readonly refs: number[] = [];
  private readonly free: number[] = [];

  constructor(readonly max: number) {}

  get size(): number {
    return this.ids.size;
  }

  /** The id of a key, creating it; -1 when the cap is reached and the key is new. */
  intern(key: SeriesKey): number {
    const ks = keyString(key);
    const known = this.ids.get(ks);
    if (known !== undefined) return known;
    if (this.ids.size >= this.max) return -1;
    const id = this.free.pop() ?? this.keys.length;
    this.ids.set(ks, id);
    this.keys[id] = { direction: key.direction, source: key.source, target: key.target, targetVersion: key.targetVersion, route: key.route };
    this.keyStrings[id] = ks;
    this.refs[id] = 0;
    return id;
  }

  retain(id: number): void {
    this.refs[id]!++;
  }

  release(id: number): void {
    if (--this.refs[id]! <= 0) this.forget(id);
  }

  /** Recycles an id no record uses (a sample for it was dropped). */
  forgetIfUnused(id: number): void {
    if (this.refs[id] === 0) this.forget(id);
  }

  private forget(id: number): void {
    this.ids.delete(this.keyStrings[id]!);
    this.keys[id] = undefined;
    this.keyStrings[id] = "";
    this.free.push(id);
  }

  /** Rough heap cost, bytes: key strings and their Map entries. */
  approxBytes(): number {
    let bytes = 0;
    for (const ks of this.ids.keys()) bytes += 2 * ks.length + 5 * 48;
    return bytes;
  }
}
