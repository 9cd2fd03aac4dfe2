// String matching shared by route, retry and fault matchers: exact / prefix / suffix / contains /
// RE2 regex (full match, compiled at translate time) / present, optionally case-insensitive.
import type { ValueMatcher } from "../core/traffic-policy";

export function matchValue(m: ValueMatcher, raw: string): boolean {
  const value = m.ignoreCase ? raw.toLowerCase() : raw;
  switch (m.kind) {
    case "present":
      return true;
    case "exact":
      return value === m.value;
    case "prefix":
      return value.startsWith(m.value);
    case "suffix":
      return value.endsWith(m.value);
    case "contains":
      return value.includes(m.value);
    case "regex":
      return m.regex!.test(value);
  }
}
