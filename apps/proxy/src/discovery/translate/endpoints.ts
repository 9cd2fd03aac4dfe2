// EDS: ClusterLoadAssignment -> Endpoint[] keyed by cluster_name (also used for the inline
// load_assignment of STATIC clusters). One priority only; localities are flattened.
import type { Endpoint, EndpointHealth } from "../../core/runtime-config";
import { nack, NOT_YET, u32, type ClusterLoadAssignment } from "./wire";

const HEALTH: Record<string, EndpointHealth> = {
  UNKNOWN: "unknown",
  HEALTHY: "healthy",
  UNHEALTHY: "unhealthy",
  DRAINING: "draining",
  TIMEOUT: "timeout",
  DEGRADED: "degraded",
};

export function toEndpoints(cla: ClusterLoadAssignment, where: string): Endpoint[] {
  const out: Endpoint[] = [];
  if ((cla.policy?.drop_overloads?.length ?? 0) > 0) nack(where, `policy.drop_overloads ${NOT_YET}`);
  (cla.endpoints ?? []).forEach((locality, i) => {
    const at = `${where} endpoints[${i}]`;
    if ((locality.priority ?? 0) !== 0) nack(at, `priority ${locality.priority} ${NOT_YET} (only priority 0)`);
    if (locality.leds_cluster_locality_config !== undefined) nack(at, `leds_cluster_locality_config ${NOT_YET}; list lb_endpoints`);
    (locality.lb_endpoints ?? []).forEach((lb, j) => {
      const here = `${at}.lb_endpoints[${j}]`;
      if (lb.endpoint_name) nack(here, `endpoint_name (EDS collections) ${NOT_YET}`);
      const sa = lb.endpoint?.address?.socket_address;
      if (sa === undefined) nack(here, "endpoint.address must be a socket_address");
      const hc = lb.endpoint?.health_check_config;
      if (hc !== undefined && ((hc.port_value ?? 0) !== 0 || hc.address !== undefined || !!hc.hostname)) nack(here, `endpoint.health_check_config ${NOT_YET} (health checks go to the endpoint's own address)`);
      if (!sa.address) nack(here, "socket_address.address is empty");
      if (sa.named_port) nack(here, `socket_address.named_port ${NOT_YET}; use port_value`);
      if (sa.protocol === "UDP") nack(here, "socket_address.protocol UDP is not HTTP");
      const port = sa.port_value ?? 0;
      if (!Number.isInteger(port) || port < 1 || port > 65535) nack(here, `socket_address.port_value ${port} is not a port (1-65535)`);
      const weight = u32(lb.load_balancing_weight) ?? 1;
      if (weight < 1) nack(here, `load_balancing_weight ${weight} must be at least 1`);
      const health = HEALTH[lb.health_status ?? "UNKNOWN"];
      if (health === undefined) nack(here, `health_status ${lb.health_status} is unknown`);
      out.push({ address: sa.address, port, weight, health, key: `${sa.address}:${port}` });
    });
  });
  return out;
}

/** EDS response -> endpoints per cluster_name. */
export function toEndpointSets(resources: readonly ClusterLoadAssignment[]): Map<string, Endpoint[]> {
  const out = new Map<string, Endpoint[]>();
  resources.forEach((cla, i) => {
    const name = cla.cluster_name;
    if (!name) nack(`cluster_load_assignment[${i}]`, "cluster_name is empty");
    const where = `cluster_load_assignment "${name}"`;
    if (out.has(name)) nack(where, "appears twice in the response");
    out.set(name, toEndpoints(cla, where));
  });
  return out;
}
