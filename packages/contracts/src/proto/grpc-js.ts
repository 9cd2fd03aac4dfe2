// @grpc/grpc-js client classes for Weft's gRPC services (the controller's tests, the console's fake
// sidecars, the benchmarks). Apart from index.ts so that a process that only serves these services,
// or calls them with another client (the sidecar), never loads grpc-js's client for nothing.
import { makeGenericClientConstructor, type ServiceClientConstructor, type ServiceDefinition } from "@grpc/grpc-js";
import { loadProtos, SERVICE_NAMES, type Protos, type ServiceKey } from "./index";

type ClientClass = ServiceClientConstructor & { service: ServiceDefinition };

export interface GrpcJsProtos extends Protos {
  ads: ClientClass;
  telemetry: ClientClass;
  ca: ClientClass;
}

let cached: GrpcJsProtos | undefined;

/** loadProtos() plus a grpc-js client class per service. */
export function loadGrpcJsProtos(): GrpcJsProtos {
  if (cached) return cached;
  const protos = loadProtos();
  const client = (key: ServiceKey) => makeGenericClientConstructor(protos.services[key], SERVICE_NAMES[key]) as ClientClass;
  cached = { ...protos, ads: client("ads"), telemetry: client("telemetry"), ca: client("ca") };
  return cached;
}
