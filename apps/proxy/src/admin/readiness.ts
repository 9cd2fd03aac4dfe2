// Readiness: both listeners have a listener config and its route table from the controller.
import type { ConfigSnapshot, Direction } from "../core/runtime-config";

export function readiness(snapshot: ConfigSnapshot, controller: string): { ready: true } | { ready: false; reason: string } {
  const missing: string[] = [];
  for (const direction of ["inbound", "outbound"] as Direction[]) {
    const listener = snapshot[direction];
    if (listener === undefined) missing.push(`listener "weft.${direction}"`);
    else if (!snapshot.routes.has(listener.routeConfigName)) missing.push(`route configuration "${listener.routeConfigName}"`);
  }
  if (missing.length === 0) return { ready: true };
  return { ready: false, reason: `waiting for ${missing.join(" and ")} from the controller at ${controller}` };
}
