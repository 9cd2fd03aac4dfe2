// SPIFFE IDs of mesh workloads (`spiffe://<trust-domain>/ns/<namespace>/sa/<service>`, the form the
// controller's CA issues) as read from certificate URI SANs.
import { parseSpiffeId as parseContract } from "@weft/contracts";

export interface SpiffeId {
  /** The full URI, e.g. `spiffe://weft.local/ns/default/sa/reviews`. */
  readonly uri: string;
  readonly trustDomain: string;
  readonly namespace: string;
  /** The service account, which in Weft is the service name. */
  readonly service: string;
}

export function parseSpiffeId(uri: string): SpiffeId | undefined {
  const parsed = parseContract(uri);
  return parsed && { uri, ...parsed };
}

/**
 * URI SANs from node:tls's `subjectaltname` text, e.g. `DNS:a, URI:spiffe://td/ns/x/sa/y`. Node quotes
 * values containing separators as JSON strings (`URI:"…"`); those are unquoted.
 */
export function uriSans(subjectaltname: string | undefined): string[] {
  if (!subjectaltname) return [];
  const out: string[] = [];
  let i = 0;
  while (i < subjectaltname.length) {
    while (subjectaltname[i] === " " || subjectaltname[i] === ",") i++;
    const colon = subjectaltname.indexOf(":", i);
    if (colon === -1) break;
    const type = subjectaltname.slice(i, colon);
    let value: string;
    let next: number;
    if (subjectaltname[colon + 1] === '"') {
      // JSON-quoted: find the closing quote that is not escaped.
      let j = colon + 2;
      while (j < subjectaltname.length && !(subjectaltname[j] === '"' && subjectaltname[j - 1] !== "\\")) j++;
      try {
        value = JSON.parse(subjectaltname.slice(colon + 1, j + 1)) as string;
      } catch {
        value = "";
      }
      next = j + 1;
    } else {
      const comma = subjectaltname.indexOf(",", colon + 1);
      next = comma === -1 ? subjectaltname.length : comma;
      value = subjectaltname.slice(colon + 1, next);
    }
    if (type === "URI") out.push(value);
    i = next;
  }
  return out;
}
