// Readiness: both listeners have their config from the controller (or from disk), HTTP listeners
// their route table, and — when the config needs mTLS — the sidecar holds a valid certificate.
// Says where the config came from: the controller, or disk while the controller is unreachable.
import type { ConfigSnapshot, Direction } from "../core/runtime-config";
import type { IdentityStatus } from "../identity/identity-manager";

export interface ConfigOrigin {
  /** "disk": restored at start and the controller has not answered since. */
  source: "controller" | "disk";
  /** When the config started coming from there (ISO). */
  since: string;
}

export type Readiness =
  | { ready: true; source: ConfigOrigin["source"]; since: string; controllerConnected: boolean; identity?: string }
  | { ready: false; reason: string; controllerConnected: boolean };

export function needsTls(snapshot: ConfigSnapshot): boolean {
  for (const l of [snapshot.inbound, snapshot.outbound]) if (l?.transport.chains.some((c) => c.tls !== undefined)) return true;
  for (const c of snapshot.clusters.values()) if (c.config.transport.tls !== undefined || c.config.transport.matches.some((m) => m.tls !== undefined)) return true;
  return false;
}

export function readiness(input: {
  snapshot: ConfigSnapshot;
  controller: string;
  controllerConnected: boolean;
  origin: ConfigOrigin | undefined;
  identity: IdentityStatus | undefined;
  caAddress: string;
}): Readiness {
  const { snapshot, controllerConnected } = input;
  const missing: string[] = [];
  for (const direction of ["inbound", "outbound"] as Direction[]) {
    const listener = snapshot[direction];
    if (listener === undefined) missing.push(`listener "weft.${direction}"`);
    else if (listener.routeConfigName !== "" && !snapshot.routes.has(listener.routeConfigName)) missing.push(`route configuration "${listener.routeConfigName}"`);
  }
  if (missing.length > 0 || input.origin === undefined) {
    return { ready: false, reason: `waiting for ${missing.join(" and ") || "configuration"} from the controller at ${input.controller}`, controllerConnected };
  }
  const identity = input.identity;
  if (needsTls(snapshot) && identity?.state !== "ready") {
    const why = identity === undefined ? "no join token (WEFT_JOIN_TOKEN)" : identity.state === "expired" ? `certificate expired at ${identity.notAfter}` : "no certificate yet";
    return {
      ready: false,
      reason: `the config requires mTLS and the workload certificate is missing: ${why}; CA at ${input.caAddress}${identity?.lastError ? ` (last error: ${identity.lastError})` : ""}`,
      controllerConnected,
    };
  }
  return {
    ready: true,
    source: input.origin.source,
    since: input.origin.since,
    controllerConnected,
    ...(identity?.spiffeId ? { identity: identity.spiffeId } : {}),
  };
}
