// How a connected proxy stands with its config, per xDS type and overall. Pure.
import type { ProxyStatus } from "@weft/contracts";

/** The xDS types a Weft sidecar subscribes to, in the order the columns show them. */
export const XDS_TYPES = ["LDS", "RDS", "CDS", "EDS"] as const;

export type TypeState =
  | { state: "acked"; version: string }
  /** Sent, not yet ACKed (or the ACK is for an older version). */
  | { state: "pending"; sent: string; acked: string | null }
  | { state: "nacked"; version: string; reason: string; at: string }
  | { state: "none" };

export function typeState(proxy: Pick<ProxyStatus, "resources">, type: string): TypeState {
  const r = proxy.resources.find((x) => x.type === type);
  if (!r) return { state: "none" };
  if (r.nack) return { state: "nacked", version: r.nack.version, reason: r.nack.reason, at: r.nack.at };
  if (r.sentVersion !== null && r.ackedVersion !== r.sentVersion) return { state: "pending", sent: r.sentVersion, acked: r.ackedVersion };
  if (r.ackedVersion !== null) return { state: "acked", version: r.ackedVersion };
  return { state: "none" };
}

export type Overall = { state: "up-to-date" } | { state: "rejected"; type: string; reason: string; version: string } | { state: "syncing" };

export function overallState(proxy: ProxyStatus): Overall {
  for (const r of [...proxy.resources].sort((a, b) => a.type.localeCompare(b.type))) {
    if (r.nack) return { state: "rejected", type: r.type, reason: r.nack.reason, version: r.nack.version };
  }
  return proxy.upToDate ? { state: "up-to-date" } : { state: "syncing" };
}

/** xDS types this proxy has, the standard four first: generic xDS clients may use fewer or others. */
export function typesOf(proxies: readonly ProxyStatus[]): string[] {
  const seen = new Set<string>();
  for (const p of proxies) for (const r of p.resources) seen.add(r.type);
  const known = XDS_TYPES.filter((t) => seen.has(t));
  const other = [...seen].filter((t) => !(XDS_TYPES as readonly string[]).includes(t)).sort();
  return known.length || other.length ? [...known, ...other] : [...XDS_TYPES];
}

/** Versions read "<revision>.<hash>": keep the revision and 6 hash digits; cut anything else at 12. */
export function shortVersion(v: string): string {
  const m = /^(\d+)\.([0-9a-f]{7,})$/.exec(v);
  if (m) return `${m[1]}.${m[2]!.slice(0, 6)}`;
  return v.length > 12 ? `${v.slice(0, 11)}…` : v;
}
