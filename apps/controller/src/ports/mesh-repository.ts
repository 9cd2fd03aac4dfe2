// What the mesh services need from storage. Implemented by storage/prisma/mesh-repository.ts.
import type { Revision } from "@weft/contracts";
import type { EndpointState, MeshState, RouteState, ServiceState, VersionState } from "../domain/mesh-state";

export interface NewRevision {
  actor: string;
  action: string;
  resourceKind: string;
  resourceId: string;
  resourceName: string;
  summary: string;
  before: unknown;
  after: unknown;
}

export type ServiceData = Pick<ServiceState, "name" | "namespace" | "protocol" | "port" | "description" | "policy">;

export type EndpointData = Omit<EndpointState, "id">;

export type RouteData = Omit<RouteState, "id">;

/** Reads and writes inside one transaction: what is read is what the writes are checked against. */
export interface MeshWriter {
  loadService(id: string): Promise<ServiceState | null>;
  findService(namespace: string, name: string): Promise<ServiceState | null>;
  /** Every TCP service of the mesh (all namespaces), for the port-uniqueness rule. */
  tcpServices(): Promise<Array<{ id: string; name: string; namespace: string; port: number }>>;
  /** Id of the service owning a route, version or endpoint; null when there is no such resource. */
  serviceIdOf(kind: "route" | "version" | "endpoint", id: string): Promise<string | null>;
  createService(data: ServiceData): Promise<string>;
  updateService(id: string, data: Partial<Omit<ServiceData, "name" | "namespace">>): Promise<void>;
  deleteService(id: string): Promise<void>;
  createVersion(serviceId: string, data: { name: string; labels: Record<string, string> }): Promise<string>;
  updateVersion(id: string, labels: Record<string, string>): Promise<void>;
  deleteVersion(id: string): Promise<void>;
  createEndpoint(serviceId: string, data: EndpointData): Promise<string>;
  updateEndpoint(id: string, data: Partial<EndpointData>): Promise<void>;
  deleteEndpoint(id: string): Promise<void>;
  /** Writes a route (creating it when `id` is empty) with its split; version names resolved by the caller's service. */
  saveRoute(serviceId: string, id: string, data: RouteData): Promise<string>;
  deleteRoute(id: string): Promise<void>;
  setRoutePriorities(order: Array<{ id: string; priority: number }>): Promise<void>;
  appendRevision(revision: NewRevision): Promise<number>;
}

export interface MeshRepository {
  loadState(): Promise<MeshState>;
  loadService(id: string): Promise<ServiceState | null>;
  listRevisions(opts: { limit: number; before?: number; resourceId?: string }): Promise<Revision[]>;
  /** Cheap value that changes whenever the mesh changes (any replica): newest revision + endpoint churn. */
  fingerprint(): Promise<string>;
  transaction<T>(work: (tx: MeshWriter) => Promise<T>): Promise<T>;
  /** Endpoint bookkeeping that is observed state, not configuration: no revision is written. */
  endpoints: {
    findByAddress(serviceId: string, address: string, port: number): Promise<EndpointState | null>;
    markProxyGone(proxyId: string, at: Date): Promise<number>;
    /** Heartbeat: sidecars still connected to this replica were seen now. */
    touchProxies(proxyIds: string[], at: Date): Promise<void>;
    /** Healthy sidecar endpoints not seen since `olderThan` (their replica died, or missed them) become unhealthy. */
    markStaleUnhealthy(olderThan: Date): Promise<number>;
    deleteStaleSidecarEndpoints(olderThan: Date): Promise<number>;
  };
}

export type { EndpointState, RouteState, ServiceState, VersionState };
