// @grpc/grpc-js client classes for Weft's gRPC services (the controller's tests, the console's fake
// sidecars, the benchmarks). Apart from index.ts so that a process that only serves these services,
// or calls them with another client (the sidecar), never loads grpc-js's client for nothing.
import { makeGenericClientConstructor, type ServiceClientConstructor, type ServiceDefinition } from "@grpc/grpc-js";
import { loadProtos, type Protos } from "./index";

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
  const client = (service: ServiceDefinition, name: string) => makeGenericClientConstructor(service, name) as ClientClass;
  cached = {
    ...protos,
    ads: client(protos.services.ads, "envoy.service.discovery.v3.AggregatedDiscoveryService"),
    telemetry: client(protos.services.telemetry, "weft.telemetry.v1.TelemetryService"),
    ca: client(protos.services.ca, "weft.ca.v1.CertificateService"),
  };
  return cached;
}
