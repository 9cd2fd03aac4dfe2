// RouteMatch (contracts) -> envoy.config.route.v3.RouteMatch: path, headers (incl. `:method` and
// `:authority`) and query parameters. Regexes are RE2 `safe_regex` (full match).
import type { AuthorityMatch, HeaderMatch, QueryParamMatch, RouteMatch } from "@weft/contracts";

const regex = (pattern: string) => ({ regex: pattern });

function headerCondition(h: HeaderMatch): Record<string, unknown> {
  const value = h.value ?? "";
  switch (h.type) {
    case "present":
    case "absent":
      return { present_match: true };
    case "regex":
      return { string_match: { safe_regex: regex(value) } };
    default:
      return { string_match: { [h.type]: value } };
  }
}

function toHeaderMatcher(h: HeaderMatch): Record<string, unknown> {
  // Absent is "present, inverted"; inverting it again means present.
  const invert = h.type === "absent" ? !h.invert : h.invert;
  return { name: h.name, ...headerCondition(h), ...(invert ? { invert_match: true } : {}) };
}

/** One method: exact; several: an RE2 alternation (`GET|HEAD`), which must match the whole value. */
function toMethodMatcher(methods: readonly string[]): Record<string, unknown> {
  return methods.length === 1
    ? { name: ":method", string_match: { exact: methods[0] } }
    : { name: ":method", string_match: { safe_regex: regex(methods.join("|")) } };
}

function toAuthorityMatcher(a: AuthorityMatch): Record<string, unknown> {
  const string_match = a.type === "regex" ? { safe_regex: regex(a.value) } : { [a.type]: a.value };
  return { name: ":authority", string_match };
}

function toQueryParameterMatcher(q: QueryParamMatch): Record<string, unknown> {
  const value = q.value ?? "";
  switch (q.type) {
    case "present":
      return { name: q.name, present_match: true };
    case "exact":
      return { name: q.name, string_match: { exact: value } };
    case "prefix":
      return { name: q.name, string_match: { prefix: value } };
    case "regex":
      return { name: q.name, string_match: { safe_regex: regex(value) } };
  }
}

export function toRouteMatch(m: RouteMatch): Record<string, unknown> {
  const path =
    m.path.type === "exact" ? { path: m.path.value } : m.path.type === "regex" ? { safe_regex: regex(m.path.value) } : { prefix: m.path.value };
  const headers = [
    ...(m.methods?.length ? [toMethodMatcher(m.methods)] : []),
    ...(m.authority ? [toAuthorityMatcher(m.authority)] : []),
    ...m.headers.map(toHeaderMatcher),
  ];
  return {
    ...path,
    headers,
    ...(m.queryParams?.length ? { query_parameters: m.queryParams.map(toQueryParameterMatcher) } : {}),
  };
}
