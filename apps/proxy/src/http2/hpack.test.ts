import { describe, expect, it } from "vitest";
import { decode, pairs } from "./hpack-test-support";
import { HpackDecoder, HpackEncoder, HpackError } from "./hpack";
import { HUFFMAN_CODES, HUFFMAN_LENGTHS, huffmanDecode } from "./huffman";

function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ""), "hex");
}

/** RFC 7541 §5.1 integer, written independently of the encoder under test. */
function int(prefixBits: number, flags: number, value: number): number[] {
  const max = 2 ** prefixBits - 1;
  if (value < max) return [flags | value];
  const out = [flags | max];
  value -= max;
  while (value >= 128) {
    out.push((value % 128) + 128);
    value = Math.floor(value / 128);
  }
  out.push(value);
  return out;
}

/** Huffman-codes a byte string from the exported table (test-only: the encoder sends plain literals). */
function huffman(s: string): Buffer {
  let bits = "";
  for (let i = 0; i < s.length; i++) {
    const sym = s.charCodeAt(i);
    bits += HUFFMAN_CODES[sym]!.toString(2).padStart(HUFFMAN_LENGTHS[sym]!, "0");
  }
  bits = bits.padEnd(Math.ceil(bits.length / 8) * 8, "1");
  const out = Buffer.alloc(bits.length / 8);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(bits.slice(8 * i, 8 * i + 8), 2);
  return out;
}

interface Step {
  block: string;
  fields: [string, string][];
  table: [string, string][];
  size: number;
}

function runSequence(decoder: HpackDecoder, steps: readonly Step[]): void {
  for (const step of steps) {
    expect(pairs(decode(decoder, hex(step.block)))).toEqual(step.fields);
    expect(decoder.dynamicEntries()).toEqual(step.table);
    expect(decoder.tableSize).toBe(step.size);
  }
}

// RFC 7541 C.3 / C.4: the same three requests, plain and Huffman-coded.
const REQUEST_FIELDS: [string, string][][] = [
  [[":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"]],
  [[":method", "GET"], [":scheme", "http"], [":path", "/"], [":authority", "www.example.com"], ["cache-control", "no-cache"]],
  [[":method", "GET"], [":scheme", "https"], [":path", "/index.html"], [":authority", "www.example.com"], ["custom-key", "custom-value"]],
];
const REQUEST_TABLES: [string, string][][] = [
  [[":authority", "www.example.com"]],
  [["cache-control", "no-cache"], [":authority", "www.example.com"]],
  [["custom-key", "custom-value"], ["cache-control", "no-cache"], [":authority", "www.example.com"]],
];
const REQUEST_SIZES = [57, 110, 164];

// RFC 7541 C.5 / C.6: three responses through a 256-octet table, with evictions.
const DATE_1 = "Mon, 21 Oct 2013 20:13:21 GMT";
const DATE_2 = "Mon, 21 Oct 2013 20:13:22 GMT";
const COOKIE = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";
const RESPONSE_FIELDS: [string, string][][] = [
  [[":status", "302"], ["cache-control", "private"], ["date", DATE_1], ["location", "https://www.example.com"]],
  [[":status", "307"], ["cache-control", "private"], ["date", DATE_1], ["location", "https://www.example.com"]],
  [
    [":status", "200"],
    ["cache-control", "private"],
    ["date", DATE_2],
    ["location", "https://www.example.com"],
    ["content-encoding", "gzip"],
    ["set-cookie", COOKIE],
  ],
];
const RESPONSE_TABLES: [string, string][][] = [
  [["location", "https://www.example.com"], ["date", DATE_1], ["cache-control", "private"], [":status", "302"]],
  [[":status", "307"], ["location", "https://www.example.com"], ["date", DATE_1], ["cache-control", "private"]],
  [["set-cookie", COOKIE], ["content-encoding", "gzip"], ["date", DATE_2]],
];
const RESPONSE_SIZES = [222, 222, 215];

function steps(blocks: string[], fields: [string, string][][], tables: [string, string][][], sizes: number[]): Step[] {
  return blocks.map((block, i) => ({ block, fields: fields[i]!, table: tables[i]!, size: sizes[i]! }));
}

describe("HpackDecoder on RFC 7541 Appendix C", () => {
  it("C.2.1 literal with indexing adds the field to the dynamic table", () => {
    const decoder = new HpackDecoder();
    runSequence(decoder, [
      {
        block: "400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572",
        fields: [["custom-key", "custom-header"]],
        table: [["custom-key", "custom-header"]],
        size: 55,
      },
    ]);
  });

  it("C.2.2 literal without indexing, C.2.3 never indexed and C.2.4 indexed leave the table empty", () => {
    const decoder = new HpackDecoder();
    runSequence(decoder, [
      { block: "040c 2f73 616d 706c 652f 7061 7468", fields: [[":path", "/sample/path"]], table: [], size: 0 },
      { block: "1008 7061 7373 776f 7264 0673 6563 7265 74", fields: [["password", "secret"]], table: [], size: 0 },
      { block: "82", fields: [[":method", "GET"]], table: [], size: 0 },
    ]);
  });

  it("C.3 three requests on one connection, plain literals", () => {
    const blocks = [
      "8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
      "8286 84be 5808 6e6f 2d63 6163 6865",
      "8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65",
    ];
    runSequence(new HpackDecoder(), steps(blocks, REQUEST_FIELDS, REQUEST_TABLES, REQUEST_SIZES));
  });

  it("C.4 the same requests with Huffman-coded literals", () => {
    const blocks = [
      "8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff",
      "8286 84be 5886 a8eb 1064 9cbf",
      "8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf",
    ];
    runSequence(new HpackDecoder(), steps(blocks, REQUEST_FIELDS, REQUEST_TABLES, REQUEST_SIZES));
  });

  it("C.5 three responses through a 256-octet table, evicting the oldest entries", () => {
    const blocks = [
      "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768" +
        "7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
      "4803 3330 37c1 c0bf",
      "88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d 54c0 5a04 677a 6970 7738 666f 6f3d 4153" +
        "444a 4b48 514b 425a 584f 5157 454f 5049 5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e" +
        "3d31",
    ];
    runSequence(new HpackDecoder(256), steps(blocks, RESPONSE_FIELDS, RESPONSE_TABLES, RESPONSE_SIZES));
  });

  it("C.6 the same responses with Huffman-coded literals", () => {
    const blocks = [
      "4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6 2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8" +
        "e9ae 82ae 43d3",
      "4883 640e ffc1 c0bf",
      "88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab 77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b" +
        "3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07",
    ];
    runSequence(new HpackDecoder(256), steps(blocks, RESPONSE_FIELDS, RESPONSE_TABLES, RESPONSE_SIZES));
  });
});

describe("HpackDecoder integers", () => {
  // A literal without indexing, new name "n", whose value length is the integer under test (7-bit prefix).
  function valueOfLength(lengthOctets: number[], length: number): number[] {
    return [0x00, 0x01, 0x6e, ...lengthOctets, ...Buffer.alloc(length, 0x61)];
  }

  it("reads values at and across each prefix boundary, including RFC C.1.2 (1337 on 5 bits)", () => {
    const decoder = new HpackDecoder();
    for (const [octets, length] of [
      [[0x7e], 126],
      [[0x7f, 0x00], 127],
      [[0x7f, 0x01], 128],
      [[0x7f, 0xff, 0x7f], 127 + 16383],
      [[0x7f, 0x80, 0x80, 0x01], 127 + 16384],
    ] as const) {
      expect(decode(decoder, valueOfLength([...octets], length))[1]).toHaveLength(length);
    }
    // 4-bit prefix name indexes: 14 fits the prefix, 15 and 61 take a continuation octet.
    expect(pairs(decode(decoder, [0x0e, 0x00, 0x0f, 0x00, 0x00, 0x0f, 0x2e, 0x00]))).toEqual([
      [":status", ""],
      ["accept-charset", ""],
      ["www-authenticate", ""],
    ]);
    // C.1.2: a size update to 1337 (0x3f 0x9a 0x0a) lets a 1337-octet entry in, and not a 1338-octet one.
    const entry = (valueLength: number) => [0x40, 0x01, 0x6e, ...int(7, 0, valueLength), ...Buffer.alloc(valueLength, 0x61)];
    expect(decode(decoder, [0x3f, 0x9a, 0x0a, ...entry(1337 - 33)])).toHaveLength(2);
    expect(decoder.tableSize).toBe(1337);
    decode(decoder, entry(1338 - 33));
    expect(decoder.dynamicEntries()).toEqual([]);
  });

  it("accepts 2^31-1 and refuses larger integers and more than 5 continuation octets", () => {
    expect(() => decode(new HpackDecoder(), int(7, 0x80, 2 ** 31 - 1))).toThrow(
      "HPACK: index 2147483647 is beyond the dynamic table (0 entries)",
    );
    expect(() => decode(new HpackDecoder(), int(7, 0x80, 2 ** 31))).toThrow("HPACK: integer larger than 2^31-1");
    expect(() => decode(new HpackDecoder(), [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f])).toThrow(HpackError);
    expect(() => decode(new HpackDecoder(), [0xff, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00])).toThrow(
      "HPACK: integer longer than 5 continuation octets",
    );
    expect(() => decode(new HpackDecoder(), [0xff, 0x80])).toThrow("ends in the middle of a field representation");
  });
});

describe("Huffman code", () => {
  it("is RFC 7541 Appendix B: a complete canonical prefix code whose 30-bit all-ones symbol is EOS", () => {
    let kraft = 0;
    for (let sym = 0; sym <= 256; sym++) kraft += 2 ** -HUFFMAN_LENGTHS[sym]!;
    expect(kraft).toBe(1);
    const order = [...Array(257).keys()].sort((a, b) => HUFFMAN_LENGTHS[a]! - HUFFMAN_LENGTHS[b]! || a - b);
    let code = 0;
    for (let i = 0; i < order.length; i++) {
      const sym = order[i]!;
      if (i > 0) code = (code + 1) * 2 ** (HUFFMAN_LENGTHS[sym]! - HUFFMAN_LENGTHS[order[i - 1]!]!);
      expect([sym, HUFFMAN_CODES[sym]]).toEqual([sym, code]);
    }
    expect([HUFFMAN_CODES[256], HUFFMAN_LENGTHS[256]]).toEqual([0x3fffffff, 30]);
    expect([HUFFMAN_CODES[47], HUFFMAN_LENGTHS[47]]).toEqual([0x18, 6]); // the RFC's own example: "/"
  });

  it("decodes every octet value, alone and in one long string", () => {
    let all = "";
    for (let c = 0; c < 256; c++) {
      const s = String.fromCharCode(c);
      const coded = huffman(s);
      expect(huffmanDecode(coded, 0, coded.length)).toBe(s);
      all += s + "a0" + s;
    }
    const coded = huffman(all);
    expect(huffmanDecode(coded, 0, coded.length)).toBe(all);
    expect(huffmanDecode(Buffer.alloc(0), 0, 0)).toBe("");
  });

  it("refuses padding over 7 bits, padding other than ones, and EOS inside the string", () => {
    // "a" is 00011: 3 bits of ones complete the octet.
    expect(huffmanDecode(Buffer.from([0x1f]), 0, 1)).toBe("a");
    expect(() => huffmanDecode(Buffer.from([0x1f, 0xff]), 0, 2)).toThrow("more than 7 bits of padding");
    expect(() => huffmanDecode(Buffer.from([0xff]), 0, 1)).toThrow("more than 7 bits of padding");
    expect(() => huffmanDecode(Buffer.from([0x1e]), 0, 1)).toThrow("not a prefix of EOS");
    expect(() => huffmanDecode(Buffer.from([0x18]), 0, 1)).toThrow("not a prefix of EOS");
    expect(() => huffmanDecode(Buffer.from([0xff, 0xff, 0xff, 0xff]), 0, 4)).toThrow("contains the EOS symbol");
    // "a", EOS (30 ones), 5 bits of padding.
    expect(() => huffmanDecode(Buffer.from([0x1f, 0xff, 0xff, 0xff, 0xff]), 0, 5)).toThrow("contains the EOS symbol");
    // Through the decoder: a Huffman-coded value with bad padding is an HpackError.
    expect(() => decode(new HpackDecoder(), [0x00, 0x01, 0x6e, 0x82, 0x1f, 0xff])).toThrow(HpackError);
  });
});

describe("HpackDecoder errors", () => {
  it("refuses index 0 and indexes beyond the dynamic table, naming the index and the table's length", () => {
    expect(() => decode(new HpackDecoder(), [0x80])).toThrow("HPACK: indexed field with index 0");
    expect(() => decode(new HpackDecoder(), [0xbe])).toThrow("HPACK: index 62 is beyond the dynamic table (0 entries)");
    const decoder = new HpackDecoder();
    decode(decoder, hex("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65").subarray(4)); // 1 entry
    decode(decoder, [0x40, 0x01, 0x61, 0x00, 0x40, 0x01, 0x62, 0x00]); // 3 entries
    expect(pairs(decode(decoder, [0xc0]))).toEqual([["custom-key", "custom-value"]]);
    expect(() => decode(decoder, [0xc6])).toThrow("HPACK: index 70 is beyond the dynamic table (3 entries)");
    expect(() => decode(decoder, [0x7f, 0x02, 0x00])).toThrow("HPACK: index 65 is beyond the dynamic table (3 entries)");
  });

  it("refuses a size update above SETTINGS_HEADER_TABLE_SIZE or after the first field", () => {
    expect(() => decode(new HpackDecoder(), int(5, 0x20, 4097))).toThrow(
      "HPACK: dynamic table size update to 4097 exceeds the 4096 octets allowed",
    );
    expect(decode(new HpackDecoder(), [...int(5, 0x20, 0), ...int(5, 0x20, 4096), 0x82])).toEqual([":method", "GET"]);
    expect(() => decode(new HpackDecoder(), [0x82, 0x20])).toThrow("size update after the first field");
    const raised = new HpackDecoder();
    raised.setMaxTableSize(65536);
    expect(raised.tableSize).toBe(0);
    expect(decode(raised, [...int(5, 0x20, 65536), 0x82])).toEqual([":method", "GET"]);
  });

  it("requires a size update at most our lowered SETTINGS_HEADER_TABLE_SIZE before the next block's fields", () => {
    const decoder = new HpackDecoder();
    decode(decoder, hex("4803 3330 3258 0770 7269 7661 7465")); // :status 302, cache-control private: 94 octets
    decoder.setMaxTableSize(100);
    expect(() => decode(decoder, [0x82])).toThrow("does not open with the dynamic table size update (at most 100)");
    const fresh = new HpackDecoder();
    decode(fresh, hex("4803 3330 3258 0770 7269 7661 7465"));
    fresh.setMaxTableSize(50);
    fresh.setMaxTableSize(100); // lowered twice before a block: the lower one is owed
    expect(() => decode(fresh, [...int(5, 0x20, 100), 0x82])).toThrow("at most 50");
    const ok = new HpackDecoder();
    decode(ok, hex("4803 3330 3258 0770 7269 7661 7465"));
    ok.setMaxTableSize(60);
    expect(decode(ok, [...int(5, 0x20, 60), 0x82])).toEqual([":method", "GET"]);
    expect(ok.dynamicEntries()).toEqual([["cache-control", "private"]]); // 52 octets left of 94
    expect(decode(ok, [0x82])).toEqual([":method", "GET"]); // owed only once
  });

  it("evicts down to a smaller size update and empties the table at 0", () => {
    const decoder = new HpackDecoder(256);
    decode(decoder, hex(
      "4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3120 474d 546e 1768" +
        "7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d",
    ));
    decode(decoder, int(5, 0x20, 128));
    expect(decoder.dynamicEntries()).toEqual([["location", "https://www.example.com"], ["date", DATE_1]]);
    expect(decoder.tableSize).toBe(128);
    decode(decoder, int(5, 0x20, 0));
    expect(decoder.dynamicEntries()).toEqual([]);
    expect(decoder.tableSize).toBe(0);
  });

  it("refuses a block that ends inside a representation, at every cut", () => {
    const block = hex("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d");
    for (let cut = 4; cut < block.length; cut++) {
      const out: string[] = [];
      expect(() => new HpackDecoder().decode(block, 0, cut, out), `cut at ${cut}`).toThrow(
        "HPACK: header block ends in the middle of a field representation",
      );
    }
    const huffmanBlock = hex("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff");
    expect(() => decode(new HpackDecoder(), huffmanBlock.subarray(0, huffmanBlock.length - 1))).toThrow("ends in the middle");
    // A block inside a larger buffer: only [start, end) is read.
    const framed = Buffer.concat([Buffer.from([0xff, 0xff]), block, Buffer.from([0x80])]);
    const out: string[] = [];
    new HpackDecoder().decode(framed, 2, 2 + block.length, out);
    expect(pairs(out)).toEqual(REQUEST_FIELDS[0]);
  });
});

describe("HpackEncoder", () => {
  it("indexes full static matches and sends literals without indexing otherwise", () => {
    const encoder = new HpackEncoder();
    expect(encoder.encode([":method", "GET", ":scheme", "https", ":path", "/", ":status", "404"])).toEqual(
      Buffer.from([0x82, 0x87, 0x84, 0x8d]),
    );
    expect(encoder.encode([":path", "/x", "x-id", "7", "www-authenticate", "Basic"])).toEqual(
      Buffer.from([0x04, 0x02, 0x2f, 0x78, 0x00, 0x04, ...Buffer.from("x-id"), 0x01, 0x37, 0x0f, 0x2e, 0x05, ...Buffer.from("Basic")]),
    );
    expect(encoder.encode([])).toEqual(Buffer.alloc(0));
  });

  it("sends authorization and proxy-authorization never indexed (0x1_ prefix)", () => {
    const encoder = new HpackEncoder();
    expect(encoder.encode(["authorization", "Bearer t"])).toEqual(Buffer.from([0x1f, 0x08, 0x08, ...Buffer.from("Bearer t")]));
    expect(encoder.encode(["proxy-authorization", "Basic u"])).toEqual(Buffer.from([0x1f, 0x22, 0x07, ...Buffer.from("Basic u")]));
  });

  it("writes length prefixes across the 7-bit boundary", () => {
    const encoder = new HpackEncoder();
    const decoder = new HpackDecoder();
    for (const [length, prefix] of [
      [126, [0x7e]],
      [127, [0x7f, 0x00]],
      [128, [0x7f, 0x01]],
      [127 + 16383, [0x7f, 0xff, 0x7f]],
      [127 + 16384, [0x7f, 0x80, 0x80, 0x01]],
    ] as const) {
      const value = "v".repeat(length);
      const block = encoder.encode(["x", value]);
      expect([...block.subarray(3, 3 + prefix.length)]).toEqual(prefix);
      expect(decode(decoder, block)).toEqual(["x", value]);
    }
  });

  it("round-trips a realistic request through the decoder without touching its table", () => {
    const long = "0123456789abcdefghijklmnopqrstuvwxyz".repeat(139).slice(0, 5000);
    const latin1 = "caf\u00e9 \u00fc\u00ff\u0080";
    const fields = [
      ":method", "POST",
      ":scheme", "https",
      ":authority", "reviews.default.svc:9080",
      ":path", "/api/v1/reviews?product=42&page=3",
      "accept", "application/json",
      "accept-encoding", "gzip, deflate",
      "accept-language", "fr-CH, fr;q=0.9, en;q=0.8",
      "authorization", "Bearer eyJhbGciOiJFUzI1NiJ9.e30.c2lnbmF0dXJl",
      "cache-control", "no-cache",
      "content-length", "348",
      "content-type", "application/json; charset=utf-8",
      "cookie", "session=abc123",
      "cookie", "theme=dark",
      "if-none-match", '"33a64df551425fcc55e4d42a148795d9f25f89d4"',
      "origin", "https://shop.example",
      "referer", "https://shop.example/products/42",
      "user-agent", "weft-test/1.0 (linux)",
      "x-request-id", "5f0c3e7a-9b1d-4f2e-8c6a-1d2e3f4a5b6c",
      "x-b3-traceid", "80f198ee56343ba864fe8b2a57d3eff7",
      "x-forwarded-for", "203.0.113.7",
      "x-latin1", latin1,
      "x-long", long,
      "te", "trailers",
    ];
    const block = new HpackEncoder().encode(fields);
    const decoder = new HpackDecoder();
    expect(decode(decoder, block)).toEqual(fields);
    expect(decoder.dynamicEntries()).toEqual([]);
    expect(block[0]).toBe(0x83); // :method POST, indexed
    const credential = Buffer.from([0x1f, 0x08, 0x2c, ...Buffer.from("Bearer ")]);
    expect(block.indexOf(credential)).toBeGreaterThan(0);
    expect(block.indexOf(Buffer.from(latin1, "latin1"))).toBeGreaterThan(0);
  });

  it("carries the never-indexed flag: decoded names are reported, and sent on the same way", () => {
    const enc = new HpackEncoder();
    // x-secret (new name) and cookie (a static name) never indexed, x-plain not.
    const block = enc.encode(["x-secret", "s1", "cookie", "a=1", "x-plain", "p"], 0, ["x-secret", "cookie"]);
    expect(block[0]).toBe(0x10); // never indexed, new name (RFC 7541 §6.2.3)
    const out: string[] = [];
    const never: string[] = [];
    new HpackDecoder().decode(block, 0, block.length, out, never);
    expect(out).toEqual(["x-secret", "s1", "cookie", "a=1", "x-plain", "p"]);
    expect(never).toEqual(["x-secret", "cookie"]);
    // Without the list, only authorization is.
    const plain: string[] = [];
    const again = enc.encode(["x-secret", "s1", "authorization", "Bearer t"]);
    new HpackDecoder().decode(again, 0, again.length, [], plain);
    expect(plain).toEqual(["authorization"]);
  });

  it("leaves headroom for the frame header and opens with a size update after the peer lowers its table", () => {
    const encoder = new HpackEncoder();
    const fields = [":method", "GET", "x", "y"];
    const plain = encoder.encode(fields);
    const framed = encoder.encode(fields, 9);
    expect(framed.length).toBe(9 + plain.length);
    expect(framed.subarray(9)).toEqual(plain);
    encoder.setMaxTableSize(8192); // raised: nothing owed
    expect(encoder.encode(fields)).toEqual(plain);
    encoder.setMaxTableSize(1024);
    expect(encoder.encode(fields, 9).subarray(9)).toEqual(Buffer.concat([Buffer.from([0x20]), plain]));
    expect(encoder.encode(fields)).toEqual(plain); // owed once
    encoder.setMaxTableSize(0); // already signalled 0
    expect(encoder.encode(fields)).toEqual(plain);
    expect(() => encoder.encode(["x"])).toThrow(TypeError);
  });
});
