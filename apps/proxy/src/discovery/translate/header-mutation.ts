// Header add/set/remove lists (route, virtual host, route configuration, rate limit replies) ->
// ordered HeaderOps. Removals first, then additions, per level, as Envoy evaluates them. Envoy's
// %COMMAND% substitutions are not supported (NACK), nor touching pseudo-headers or Host.
import type { HeaderOp } from "../../core/traffic-policy";
import { nack, NOT_YET } from "./wire";
import type { HeaderValueOptionWire } from "./policy-wire";

const ACTIONS: Record<string, HeaderOp["op"]> = {
  APPEND_IF_EXISTS_OR_ADD: "append",
  ADD_IF_ABSENT: "add_if_absent",
  OVERWRITE_IF_EXISTS_OR_ADD: "set",
  OVERWRITE_IF_EXISTS: "set_if_exists",
};
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9a-z]+$/;
const CONTROL = /[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/;
const NON_ASCII = /[^\u0000-\u007f]/;

function checkName(name: string | undefined, where: string): string {
  if (!name) return nack(where, "header name is empty");
  const lower = name.toLowerCase();
  if (lower.startsWith(":") || lower === "host") nack(where, `header ${lower} cannot be modified`);
  if (!TOKEN.test(lower)) nack(where, `header name ${JSON.stringify(name)} is not a valid HTTP header name`);
  return lower;
}

export function toHeaderOps(add: readonly HeaderValueOptionWire[] | undefined, remove: readonly string[] | undefined, where: string): HeaderOp[] {
  const ops: HeaderOp[] = [];
  (remove ?? []).forEach((name, i) => ops.push({ op: "remove", name: checkName(name, `${where}_to_remove[${i}]`), value: "" }));
  (add ?? []).forEach((o, i) => {
    const at = `${where}_to_add[${i}]`;
    const name = checkName(o.header?.key, `${at}.header.key`);
    if (o.header?.raw_value !== undefined && (o.header.raw_value as string | Uint8Array).length > 0) nack(`${at}.header`, `raw_value ${NOT_YET}; use value`);
    const text = o.header?.value ?? "";
    if (text.includes("%")) nack(`${at}.header.value`, `%COMMAND% substitutions ${NOT_YET} (value ${JSON.stringify(text.slice(0, 60))})`);
    if (/[\r\n\0]/.test(text)) nack(`${at}.header.value`, "contains CR, LF or NUL");
    // What both HTTP/1.1 and HTTP/2 carry: visible characters, space and tab.
    if (CONTROL.test(text)) nack(`${at}.header.value`, `contains a control character (${JSON.stringify(CONTROL.exec(text)![0])}); use visible characters, space or tab`);
    // Non-ASCII text goes out as its UTF-8 bytes, as Envoy sends it (the codecs write header strings byte per character).
    const value = NON_ASCII.test(text) ? Buffer.from(text, "utf8").toString("latin1") : text;
    let op: HeaderOp["op"];
    if (o.append_action !== undefined) {
      if (o.append !== undefined) nack(at, "sets both append and append_action; use append_action");
      const mapped = ACTIONS[o.append_action];
      if (mapped === undefined) return nack(`${at}.append_action`, `${o.append_action} is unknown`);
      op = mapped;
    } else if (o.append !== undefined) {
      op = o.append.value === false ? "set" : "append"; // deprecated BoolValue, Envoy default true
    } else {
      op = "append";
    }
    if (value === "" && o.keep_empty_value !== true && op !== "set_if_exists") return; // Envoy drops empty values
    ops.push({ op, name, value });
  });
  return ops;
}
