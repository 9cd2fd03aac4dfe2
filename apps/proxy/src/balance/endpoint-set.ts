// Which endpoints of a cluster may receive traffic: HEALTHY and UNKNOWN (docs/xds.md); UNHEALTHY,
// DRAINING, TIMEOUT and DEGRADED ones are kept for /config_dump but never picked.
import type { Endpoint } from "../core/runtime-config";

export function isServing(endpoint: Endpoint): boolean {
  return endpoint.health === "healthy" || endpoint.health === "unknown";
}
