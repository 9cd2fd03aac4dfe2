// HPACK (RFC 7541): the decoder for header blocks the peer sends, with its dynamic table, and an
// encoder for ours that uses only the static table and plain literals, so it keeps no table state
// to get out of step with the peer. Fields travel as flat [name0, value0, name1, value1, ...] arrays
// of byte strings (one latin1 character per octet, as node:http carries header values).
import { HpackError, huffmanDecode } from "./huffman";

export { HpackError };

/** RFC 7541 Appendix A; index 0 is unused. */
const STATIC_TABLE: readonly (readonly [string, string])[] = [
  ["", ""],
  [":authority", ""],
  [":method", "GET"],
  [":method", "POST"],
  [":path", "/"],
  [":path", "/index.html"],
  [":scheme", "http"],
  [":scheme", "https"],
  [":status", "200"],
  [":status", "204"],
  [":status", "206"],
  [":status", "304"],
  [":status", "400"],
  [":status", "404"],
  [":status", "500"],
  ["accept-charset", ""],
  ["accept-encoding", "gzip, deflate"],
  ["accept-language", ""],
  ["accept-ranges", ""],
  ["accept", ""],
  ["access-control-allow-origin", ""],
  ["age", ""],
  ["allow", ""],
  ["authorization", ""],
  ["cache-control", ""],
  ["content-disposition", ""],
  ["content-encoding", ""],
  ["content-language", ""],
  ["content-length", ""],
  ["content-location", ""],
  ["content-range", ""],
  ["content-type", ""],
  ["cookie", ""],
  ["date", ""],
  ["etag", ""],
  ["expect", ""],
  ["expires", ""],
  ["from", ""],
  ["host", ""],
  ["if-match", ""],
  ["if-modified-since", ""],
  ["if-none-match", ""],
  ["if-range", ""],
  ["if-unmodified-since", ""],
  ["last-modified", ""],
  ["link", ""],
  ["location", ""],
  ["max-forwards", ""],
  ["proxy-authenticate", ""],
  ["proxy-authorization", ""],
  ["range", ""],
  ["referer", ""],
  ["refresh", ""],
  ["retry-after", ""],
  ["server", ""],
  ["set-cookie", ""],
  ["strict-transport-security", ""],
  ["transfer-encoding", ""],
  ["user-agent", ""],
  ["vary", ""],
  ["via", ""],
  ["www-authenticate", ""],
];

/** Highest static index; dynamic entries start after it (RFC 7541 §2.3.3). */
const STATIC_LENGTH = 61;
const STATIC_NAMES = STATIC_TABLE.map((entry) => entry[0]);
const STATIC_VALUES = STATIC_TABLE.map((entry) => entry[1]);

/** Name -> its first static index. Entries sharing a name are adjacent, so the value scan starts here. */
const STATIC_NAME_INDEX = new Map<string, number>();
for (let i = STATIC_LENGTH; i >= 1; i--) STATIC_NAME_INDEX.set(STATIC_NAMES[i]!, i);

/** Static indexes of the fields sent "never indexed" (RFC 7541 §7.1.3): credentials. */
const AUTHORIZATION = 23;
const PROXY_AUTHORIZATION = 49;

/** Octets an entry counts against the table size (RFC 7541 §4.1). */
const ENTRY_OVERHEAD = 32;

/** The protocol's initial SETTINGS_HEADER_TABLE_SIZE (RFC 9113 §6.5.2), octets. */
const DEFAULT_TABLE_SIZE = 4096;

/** Continuation octets an integer may use: 5 carry 35 bits, more than the 31 accepted. */
const MAX_INT_CONTINUATIONS = 5;
const MAX_INT = 0x7fffffff;

/**
 * Decodes the header blocks of one connection (one per direction; the dynamic table is shared by
 * all of the connection's blocks, in the order they arrive).
 */
export class HpackDecoder {
  // Dynamic table as a ring: the newest entry at `head`, older ones after it (mod capacity).
  private names: string[];
  private values: string[];
  private mask: number;
  private head = 0;
  private count = 0;
  /** Octets in the table (RFC 7541 §4.1). */
  private size = 0;
  /** Maximum table size the peer's encoder last chose (size updates), octets. */
  private capacity: number;
  /** The most our SETTINGS_HEADER_TABLE_SIZE allows, octets. */
  private limit: number;
  /** Lowered below `capacity`: the next block must open with a size update at most `owedMax`. */
  private owed = false;
  private owedMax = 0;
  /** Read position inside the block being decoded. */
  private pos = 0;

  /** `maxTableSize`: the table size in force when the connection starts (4096 until SETTINGS say otherwise). */
  constructor(maxTableSize = DEFAULT_TABLE_SIZE) {
    this.capacity = maxTableSize;
    this.limit = maxTableSize;
    this.names = new Array<string>(32).fill("");
    this.values = new Array<string>(32).fill("");
    this.mask = 31;
  }

  /**
   * The SETTINGS_HEADER_TABLE_SIZE we advertise, once the peer has acknowledged it. Lowering it below
   * the table's current maximum obliges the peer to open its next block with a size update (RFC 7541
   * §4.2); a block without one is an error.
   */
  setMaxTableSize(n: number): void {
    this.limit = n;
    if (n < this.capacity && (!this.owed || n < this.owedMax)) {
      this.owed = true;
      this.owedMax = n;
    }
  }

  /** Octets the dynamic table holds. */
  get tableSize(): number {
    return this.size;
  }

  /** The dynamic table, newest first (dynamic index 1 first), for diagnostics and tests. */
  dynamicEntries(): [name: string, value: string][] {
    const entries: [string, string][] = [];
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) & this.mask;
      entries.push([this.names[slot]!, this.values[slot]!]);
    }
    return entries;
  }

  /**
   * Decodes one complete header block (HEADERS plus its CONTINUATIONs, joined) in `block[start, end)`
   * and appends its fields to `out` as name, value pairs. Throws HpackError on anything malformed;
   * the table is then unusable and so is the connection (COMPRESSION_ERROR), as `out` may hold part
   * of the block.
   */
  decode(block: Buffer, start: number, end: number, out: string[], neverIndexed?: string[]): void {
    this.pos = start;
    let atStart = true;
    while (this.pos < end) {
      const first = block[this.pos]!;
      if ((first & 0xe0) === 0x20) {
        // Dynamic table size update (§6.3): only before the block's first field.
        if (!atStart) throw new HpackError("HPACK: dynamic table size update after the first field of a block");
        const size = this.readInt(block, end, 0x1f);
        if (size > this.limit) {
          throw new HpackError(`HPACK: dynamic table size update to ${size} exceeds the ${this.limit} octets allowed`);
        }
        if (size <= this.owedMax) this.owed = false;
        this.capacity = size;
        this.evictTo(size);
        continue;
      }
      if (atStart) {
        if (this.owed) {
          throw new HpackError(
            `HPACK: block does not open with the dynamic table size update (at most ${this.owedMax}) owed after SETTINGS`,
          );
        }
        atStart = false;
      }
      if ((first & 0x80) !== 0) {
        // Indexed field (§6.1).
        const index = this.readInt(block, end, 0x7f);
        if (index === 0) throw new HpackError("HPACK: indexed field with index 0");
        if (index <= STATIC_LENGTH) {
          out.push(STATIC_NAMES[index]!, STATIC_VALUES[index]!);
        } else {
          const slot = this.slot(index);
          out.push(this.names[slot]!, this.values[slot]!);
        }
      } else if ((first & 0x40) !== 0) {
        // Literal with incremental indexing (§6.2.1).
        const name = this.readName(block, end, 0x3f);
        const value = this.readString(block, end);
        out.push(name, value);
        this.insert(name, value);
      } else {
        // Literal without indexing (0000) or never indexed (0001) (§6.2.2, §6.2.3): the names of the
        // latter go to `neverIndexed`, so an intermediary can send them on the same way (§6.2.3).
        const name = this.readName(block, end, 0x0f);
        out.push(name, this.readString(block, end));
        if ((first & 0x10) !== 0 && neverIndexed !== undefined) neverIndexed.push(name);
      }
    }
  }

  /** Ring slot of dynamic-table `index` (62 = newest). */
  private slot(index: number): number {
    const n = index - STATIC_LENGTH - 1;
    if (n >= this.count) {
      throw new HpackError(`HPACK: index ${index} is beyond the dynamic table (${this.count} entries)`);
    }
    return (this.head + n) & this.mask;
  }

  /** A literal's name: by index (the prefix holds it), or a string literal after an index of 0. */
  private readName(block: Buffer, end: number, prefixMask: number): string {
    const index = this.readInt(block, end, prefixMask);
    if (index === 0) return this.readString(block, end);
    if (index <= STATIC_LENGTH) return STATIC_NAMES[index]!;
    return this.names[this.slot(index)]!;
  }

  /** Integer with an N-bit prefix (§5.1), the prefix starting at the current octet. */
  private readInt(block: Buffer, end: number, prefixMask: number): number {
    let pos = this.pos;
    let value = block[pos++]! & prefixMask;
    if (value === prefixMask) {
      let scale = 1;
      for (let i = 0; ; i++) {
        if (pos >= end) throw truncated();
        if (i === MAX_INT_CONTINUATIONS) throw new HpackError("HPACK: integer longer than 5 continuation octets");
        const octet = block[pos++]!;
        value += (octet & 0x7f) * scale;
        if (value > MAX_INT) throw new HpackError("HPACK: integer larger than 2^31-1");
        if (octet < 0x80) break;
        scale *= 128;
      }
    }
    this.pos = pos;
    return value;
  }

  /** String literal (§5.2): H flag, 7-bit-prefix length, then the octets, plain or Huffman-coded. */
  private readString(block: Buffer, end: number): string {
    if (this.pos >= end) throw truncated();
    const huffman = (block[this.pos]! & 0x80) !== 0;
    const length = this.readInt(block, end, 0x7f);
    const start = this.pos;
    if (length > end - start) throw truncated();
    this.pos = start + length;
    return huffman ? huffmanDecode(block, start, start + length) : (block as Latin1Buffer).latin1Slice(start, start + length);
  }

  /** Adds an entry as the newest, evicting the oldest to make room (§4.4). */
  private insert(name: string, value: string): void {
    const entrySize = name.length + value.length + ENTRY_OVERHEAD;
    if (entrySize > this.capacity) {
      this.evictTo(0); // an entry larger than the table empties it and is not added
      return;
    }
    this.evictTo(this.capacity - entrySize);
    if (this.count === this.names.length) this.grow();
    this.head = (this.head - 1) & this.mask;
    this.names[this.head] = name;
    this.values[this.head] = value;
    this.count++;
    this.size += entrySize;
  }

  /** Evicts the oldest entries until the table holds at most `target` octets. */
  private evictTo(target: number): void {
    while (this.size > target) {
      const slot = (this.head + this.count - 1) & this.mask;
      this.size -= this.names[slot]!.length + this.values[slot]!.length + ENTRY_OVERHEAD;
      this.names[slot] = "";
      this.values[slot] = "";
      this.count--;
    }
  }

  /** Doubles the ring, oldest-last order preserved, newest at slot 0. */
  private grow(): void {
    const length = this.names.length * 2;
    const names = new Array<string>(length).fill("");
    const values = new Array<string>(length).fill("");
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) & this.mask;
      names[i] = this.names[slot]!;
      values[i] = this.values[slot]!;
    }
    this.names = names;
    this.values = values;
    this.head = 0;
    this.mask = length - 1;
  }
}

function truncated(): HpackError {
  return new HpackError("HPACK: header block ends in the middle of a field representation");
}

interface Latin1Buffer extends Buffer {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

/** Strings up to this length are copied in a loop: cheaper than a call into C++ for them. */
const SHORT_STRING = 32;
const INITIAL_SCRATCH_BYTES = 4096;
/** A scratch buffer grown beyond this (a huge header) is used once, not kept. */
const SCRATCH_KEPT_BYTES = 64 * 1024;

/**
 * Encodes our header blocks for one connection. It never inserts into the dynamic table: fields are
 * static-table references or literals "without indexing", so blocks are independent of each other
 * and of the peer's table size, and the only table state is the size update owed when the peer
 * lowers SETTINGS_HEADER_TABLE_SIZE.
 */
export class HpackEncoder {
  private scratch: Buffer = Buffer.allocUnsafeSlow(INITIAL_SCRATCH_BYTES);
  /** The dynamic table size the peer's decoder believes we use: the protocol's initial one until we signal otherwise. */
  private tableSize = DEFAULT_TABLE_SIZE;
  private sizeUpdateOwed = false;

  /**
   * The peer's SETTINGS_HEADER_TABLE_SIZE, applied when its SETTINGS arrive. If it is below the size
   * the peer thinks our table has, the next block opens with a size update (RFC 7541 §4.2; decoders
   * such as nghttp2 refuse the block otherwise). We signal 0 — we never use the table — after which
   * no later value owes anything.
   */
  setMaxTableSize(n: number): void {
    if (n < this.tableSize) {
      this.tableSize = 0;
      this.sizeUpdateOwed = true;
    }
  }

  /**
   * One header block for `fields` (name, value pairs; names lower-case, values byte strings). The
   * first `headroom` octets of the result are left for the caller (say, 9 for the frame header, so a
   * HEADERS frame goes out as one buffer). Characters above U+00FF are sent as their low octet, as
   * latin1 does: validating values is the caller's job. Fields named in `neverIndexed` (and
   * authorization, proxy-authorization) go out as "never indexed" literals (§6.2.3).
   */
  encode(fields: readonly string[], headroom = 0, neverIndexed?: readonly string[]): Buffer {
    if ((fields.length & 1) !== 0) throw new TypeError("HPACK: fields must be name, value pairs");
    let buf = this.scratch;
    let pos = headroom;
    if (buf.length < headroom + 1) buf = this.grow(buf, headroom + 1, pos);
    if (this.sizeUpdateOwed) {
      buf[pos++] = 0x20; // dynamic table size update to 0 (§6.3)
      this.sizeUpdateOwed = false;
    }
    for (let i = 0; i < fields.length; i += 2) {
      const name = fields[i]!;
      const value = fields[i + 1]!;
      // Worst case: 2 octets of name index or 1 + 6 of name length, 6 of value length.
      const need = pos + name.length + value.length + 13;
      if (need > buf.length) buf = this.grow(buf, need, pos);
      const first = STATIC_NAME_INDEX.get(name);
      const sensitive = neverIndexed !== undefined && neverIndexed.includes(name);
      if (first === undefined) {
        buf[pos++] = sensitive ? 0x10 : 0x00; // never indexed / literal without indexing, new name (§6.2.3, §6.2.2)
        pos = writeString(buf, pos, name);
      } else if (sensitive || first === AUTHORIZATION || first === PROXY_AUTHORIZATION) {
        pos = writeInt(buf, pos, 0x10, 0x0f, first); // never indexed, indexed name (§6.2.3)
      } else {
        let index = first;
        while (index <= STATIC_LENGTH && STATIC_NAMES[index] === name && STATIC_VALUES[index] !== value) index++;
        if (index <= STATIC_LENGTH && STATIC_NAMES[index] === name) {
          pos = writeInt(buf, pos, 0x80, 0x7f, index); // indexed field (§6.1)
          continue;
        }
        pos = writeInt(buf, pos, 0x00, 0x0f, first); // literal without indexing, indexed name (§6.2.2)
      }
      pos = writeString(buf, pos, value);
    }
    const block = Buffer.allocUnsafe(pos);
    buf.copy(block, headroom, headroom, pos);
    return block;
  }

  /** A buffer of at least `need` octets holding the `used` octets written so far in `buf`. */
  private grow(buf: Buffer, need: number, used: number): Buffer {
    const next = Buffer.allocUnsafeSlow(Math.max(need, buf.length * 2));
    buf.copy(next, 0, 0, used);
    if (next.length <= SCRATCH_KEPT_BYTES) this.scratch = next;
    return next;
  }
}

/** Integer with an N-bit prefix (§5.1) in the octet at `pos`, OR-ed with `flags`. */
function writeInt(buf: Buffer, pos: number, flags: number, prefixMask: number, value: number): number {
  if (value < prefixMask) {
    buf[pos++] = flags | value;
    return pos;
  }
  buf[pos++] = flags | prefixMask;
  value -= prefixMask;
  while (value >= 0x80) {
    buf[pos++] = (value & 0x7f) | 0x80;
    value >>>= 7;
  }
  buf[pos++] = value;
  return pos;
}

/** Plain (not Huffman-coded) string literal (§5.2), one octet per character. */
function writeString(buf: Buffer, pos: number, s: string): number {
  const length = s.length;
  pos = writeInt(buf, pos, 0x00, 0x7f, length);
  if (length <= SHORT_STRING) {
    for (let i = 0; i < length; i++) buf[pos + i] = s.charCodeAt(i);
  } else {
    (buf as Latin1Buffer).latin1Write(s, pos, length);
  }
  return pos + length;
}
