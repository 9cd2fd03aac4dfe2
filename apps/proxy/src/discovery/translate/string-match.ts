// xDS matchers -> runtime matchers: StringMatcher (exact/prefix/suffix/contains/safe_regex,
// ignore_case), route HeaderMatcher (incl. pseudo-headers, present, invert) and query parameter
// matchers. Regexes are RE2 (re2-wasm), full-match as Envoy, compiled at translate time and shared by pattern.
// re2-wasm (its WebAssembly memory is ~25 MB of the process) loads with the first regex a config uses.
import { createRequire } from "node:module";
import type { HeaderMatcher } from "../../core/runtime-config";
import type { QueryParameterMatcher, RegexMatcher, ValueMatcher } from "../../core/traffic-policy";
import { firstSet, nack, NOT_YET } from "./wire";
import type { HeaderMatcherPolicyWire, QueryParameterMatcherWire, RegexMatcherWire, StringMatcherWire } from "./policy-wire";

const PSEUDO_HEADERS = new Set([":method", ":authority", ":path", ":scheme"]);
const MAX_PATTERN = 4_096; // characters

type Re2Instance = { test(input: string): boolean; wrapper?: { delete(): void } };
type Re2Constructor = new (pattern: string, flags: string) => Re2Instance;
let re2: Re2Constructor | undefined;

function RE2(): Re2Constructor {
  re2 ??= (createRequire(import.meta.url)("re2-wasm") as { RE2: Re2Constructor }).RE2;
  return re2;
}

/**
 * One pattern. re2-wasm keeps every compiled regex in a fixed 16 MB WebAssembly heap until it is
 * deleted, so compiled regexes are freed least recently used first once MAX_COMPILED are held; a
 * matcher whose regex was freed compiles it again when next used. Config churn (a new set of
 * patterns with every push) can then never exhaust the engine's memory.
 */
interface Entry {
  readonly source: string;
  readonly flags: string;
  re: Re2Instance | undefined;
  used: number;
}

/** Entries by pattern and flags: identical patterns across config pushes share one. */
const entries = new Map<string, Entry>();
const ENTRIES_MAX = 10_000;
/** Entries whose regex is compiled (in the engine's heap). */
const compiled = new Set<Entry>();
export const MAX_COMPILED = 2_000;
let tick = 0;

function regexOf(entry: Entry): Re2Instance {
  entry.used = ++tick;
  if (entry.re !== undefined) return entry.re;
  const Re2 = RE2();
  try {
    entry.re = new Re2(entry.source, entry.flags);
  } catch (err) {
    if (!/OOM|enlarge memory/i.test((err as Error).message)) throw err;
    freeCompiled(0); // the heap is full after all: start over (matchers in use compile again)
    entry.re = new Re2(entry.source, entry.flags);
  }
  compiled.add(entry);
  if (compiled.size > MAX_COMPILED) freeCompiled(MAX_COMPILED / 2);
  return entry.re;
}

/** Frees compiled regexes, least recently used first, until `keep` remain. */
function freeCompiled(keep: number): void {
  const byAge = [...compiled].sort((a, b) => a.used - b.used);
  for (let i = 0; i < byAge.length - keep; i++) {
    const entry = byAge[i]!;
    entry.re?.wrapper?.delete();
    entry.re = undefined;
    compiled.delete(entry);
  }
}

/** How many regexes are compiled in the engine right now (tests). */
export function compiledRegexCount(): number {
  return compiled.size;
}

export function compileRegex(r: RegexMatcherWire | undefined, where: string, ignoreCase = false): RegexMatcher {
  const pattern = r?.regex;
  if (pattern === undefined || pattern === "") return nack(where, "regex is empty");
  if (pattern.length > MAX_PATTERN) nack(where, `regex is longer than ${MAX_PATTERN} characters`);
  const key = (ignoreCase ? "i:" : "s:") + pattern;
  let entry = entries.get(key);
  if (entry === undefined) {
    // Full match, as Envoy's safe_regex: anchor the whole pattern.
    entry = { source: `^(?:${pattern})$`, flags: ignoreCase ? "iu" : "u", re: undefined, used: 0 };
    try {
      regexOf(entry);
    } catch (err) {
      // re2-wasm: "Invalid regular expression: /<wrapped>/u: <problem>: <fragment>" -> "<problem>".
      const detail = (err as Error).message.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, "");
      const colon = detail.lastIndexOf(": ");
      return nack(where, `regex ${JSON.stringify(pattern)} is not valid RE2: ${colon === -1 ? detail : detail.slice(0, colon)}`);
    }
    if (entries.size >= ENTRIES_MAX) entries.clear(); // matchers keep their entry; only sharing is lost
    entries.set(key, entry);
  }
  const shared = entry;
  // The dump (/config_dump) shows the pattern, not re2-wasm's internals.
  return { test: (input: string) => regexOf(shared).test(input), toJSON: () => pattern } as RegexMatcher;
}

export function toValueMatcher(sm: StringMatcherWire, where: string): ValueMatcher {
  const ignoreCase = sm.ignore_case === true;
  const set = firstSet(sm, ["exact", "prefix", "suffix", "contains", "safe_regex"]);
  // `exact: ""` is a legal matcher (empty value) that firstSet skips.
  const kind = set ?? (sm.exact !== undefined ? "exact" : undefined);
  if (kind === undefined) return nack(where, "string_match sets no matcher");
  if (kind === "safe_regex") {
    return { kind: "regex", value: sm.safe_regex?.regex ?? "", ignoreCase: false, regex: compileRegex(sm.safe_regex, `${where} string_match.safe_regex`, ignoreCase) };
  }
  const raw = (sm as Record<string, string | undefined>)[kind] ?? "";
  return { kind: kind as ValueMatcher["kind"], value: ignoreCase ? raw.toLowerCase() : raw, ignoreCase, regex: undefined };
}

const PRESENT: ValueMatcher = Object.freeze({ kind: "present", value: "", ignoreCase: false, regex: undefined });

/** Route / retry / fault header matcher. Pseudo-headers :method, :authority, :path, :scheme are read from the request line. */
export function toHeaderMatcher(h: HeaderMatcherPolicyWire, where: string): HeaderMatcher {
  if (!h.name) nack(where, "name is empty");
  const name = h.name.toLowerCase();
  if (name.startsWith(":") && !PSEUDO_HEADERS.has(name)) nack(where, `pseudo-header ${name} ${NOT_YET} (:method, :authority, :path, :scheme)`);
  if (h.treat_missing_header_as_empty) nack(where, `treat_missing_header_as_empty ${NOT_YET}`);
  const invert = h.invert_match === true;
  const legacy = firstSet(h, ["exact_match", "prefix_match", "suffix_match", "contains_match", "safe_regex_match", "range_match"]);
  if (legacy) nack(where, `${legacy} ${NOT_YET}; use string_match`);
  if (h.string_match !== undefined) return { name, invert, ...toValueMatcher(h.string_match, where) };
  // `present_match: false` means "header is absent"; with no specifier at all Envoy matches on presence.
  const present = h.present_match !== false;
  return { name, invert: present ? invert : !invert, ...PRESENT };
}

export function toQueryMatcher(q: QueryParameterMatcherWire, where: string): QueryParameterMatcher {
  if (!q.name) nack(where, "name is empty");
  if (q.string_match !== undefined) return { name: q.name, ...toValueMatcher(q.string_match, where) };
  if (q.present_match === false) nack(where, "present_match: false never matches (omit the matcher instead)");
  return { name: q.name, ...PRESENT };
}
