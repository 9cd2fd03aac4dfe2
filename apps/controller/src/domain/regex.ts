// RE2 regular expressions in route matches: checked here so a pattern the sidecar (RE2 as well)
// could not compile is refused at the API, naming the field.
import { RE2 } from "re2-wasm";
import { invalid } from "./errors";

/** Throws a validation error on `field` when `pattern` is not valid RE2 syntax. */
export function checkRe2(pattern: string, field: string): void {
  try {
    // "u" is mandatory for re2-wasm; the sidecar compiles the same way.
    new RE2(pattern, "u");
  } catch (err) {
    // re2-wasm says "Invalid regular expression: /<pattern>/u: <reason>", slashes escaped.
    const message = String((err as Error).message ?? err);
    const at = message.lastIndexOf("/u: ");
    const reason = (at >= 0 ? message.slice(at + 4) : message).replace(/\\\//g, "/");
    throw invalid(field, `not a valid RE2 regular expression (${reason}); RE2 has no look-around or back-references`);
  }
}
