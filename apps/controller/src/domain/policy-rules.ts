// Rules on matches and traffic policy that need more than the input's shape: regexes that RE2
// compiles, mirrors to versions that exist, HTTP-only settings on TCP services, and TCP ports that
// every sidecar can open. Each refusal names the field to fix.
import type { Protocol, RouteMatch, RoutePolicy, ServicePolicy } from "@weft/contracts";
import { conflict, invalid } from "./errors";
import type { ServiceState } from "./mesh-state";
import { checkRe2 } from "./regex";

/** Every regular expression of a match must compile as RE2. */
export function checkMatchRegexes(match: RouteMatch, field = "match"): void {
  if (match.path.type === "regex") checkRe2(match.path.value, `${field}.path.value`);
  match.headers.forEach((h, i) => {
    if (h.type === "regex") checkRe2(h.value ?? "", `${field}.headers.${i}.value`);
  });
  if (match.authority?.type === "regex") checkRe2(match.authority.value, `${field}.authority.value`);
  match.queryParams?.forEach((q, i) => {
    if (q.type === "regex") checkRe2(q.value ?? "", `${field}.queryParams.${i}.value`);
  });
}

/** Routes are HTTP: a TCP service is addressed by its port alone. */
export function checkServiceTakesRoutes(service: ServiceState): void {
  if (service.protocol === "tcp") {
    throw invalid(
      "serviceId",
      `service "${service.name}" is tcp: routes (matches, splits, policies) apply to http and grpc services only; a TCP service sends every connection to all its endpoints`,
    );
  }
}

/** A route's policy against its service and its own match. */
export function checkRoutePolicy(service: ServiceState, match: RouteMatch, policy: RoutePolicy, field = "policy"): void {
  if (policy.mirror) {
    const names = service.versions.map((v) => v.name);
    if (!names.includes(policy.mirror.version)) {
      const known = names.length ? names.join(", ") : "none yet — create one first";
      throw invalid(`${field}.mirror.version`, `version "${policy.mirror.version}" does not exist on service "${service.name}" (versions: ${known})`);
    }
  }
  if (policy.rewrite && match.path.type === "regex") {
    throw invalid(`${field}.rewrite.pathPrefix`, "a prefix rewrite replaces the matched prefix: use it with a prefix or exact path match, not a regex");
  }
}

const tcpRefusal = (service: { name: string }, what: string) =>
  `${what} is HTTP-only and service "${service.name}" is tcp; remove it (or make the service http or grpc)`;

/** Settings that only make sense for HTTP/gRPC traffic are refused on a TCP service. */
export function checkServicePolicy(service: { name: string; protocol: Protocol }, policy: ServicePolicy, field = "policy"): void {
  if (service.protocol !== "tcp") return;
  if (policy.loadBalancer?.hashOn) throw invalid(`${field}.loadBalancer.hashOn`, tcpRefusal(service, "hashing on a header or cookie"));
  if (policy.loadBalancer?.algorithm === "ring-hash") throw invalid(`${field}.loadBalancer.algorithm`, tcpRefusal(service, "ring-hash"));
  for (const key of ["maxPendingRequests", "maxRequests", "maxRetries"] as const) {
    if (policy.circuitBreaker?.[key] !== undefined) throw invalid(`${field}.circuitBreaker.${key}`, tcpRefusal(service, key));
  }
  // `null` (off) is fine; a budget is not: TCP connections are never retried.
  if (policy.retryBudget) throw invalid(`${field}.retryBudget`, `${tcpRefusal(service, "a retry budget")} (TCP services have none by default)`);
  if (policy.outlierDetection) throw invalid(`${field}.outlierDetection`, tcpRefusal(service, "outlier detection (it counts 5xx replies)"));
  if (policy.healthCheck) throw invalid(`${field}.healthCheck`, tcpRefusal(service, "an HTTP health check"));
}

/** A service becoming tcp must not keep routes. */
export function checkCanBecomeTcp(service: ServiceState): void {
  if (service.routes.length > 0) {
    const names = service.routes.map((r) => `"${r.name}"`).join(", ");
    throw invalid("protocol", `service "${service.name}" has route(s) ${names}, which a TCP service cannot have; remove them first`);
  }
}

/**
 * Every sidecar opens 127.0.0.1:<port> for each TCP service of the mesh, so two TCP services (in any
 * namespace) cannot share a port.
 */
export function checkTcpPortFree(others: Array<{ id: string; name: string; namespace: string; port: number }>, port: number, exceptId?: string): void {
  const taken = others.find((o) => o.port === port && o.id !== exceptId);
  if (taken) {
    throw conflict(
      `port ${port} is already used by TCP service ${taken.name}.${taken.namespace}: every sidecar listens on 127.0.0.1:<port> for each TCP service, so TCP ports are unique across the mesh`,
      "port",
    );
  }
}
