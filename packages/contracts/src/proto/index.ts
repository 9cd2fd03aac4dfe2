// Loads the Envoy xDS v3 protos (shipped inside @grpc/grpc-js-xds) and Weft's own protos once per
// process into one protobufjs Root, and exposes: the gRPC service definitions (for @grpc/grpc-js,
// built from that Root) and encode/decode for resources carried as google.protobuf.Any. Field names
// keep the .proto snake_case, so objects read like Envoy's documentation.
// (@grpc/proto-loader is not used: it would build a second copy of every type plus serialized file
// descriptors for reflection, ~5 MB of heap in every sidecar and a slower start, for nothing Weft uses.)
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import protobuf from "protobufjs";
import type { MethodDefinition, ServiceClientConstructor, ServiceDefinition } from "@grpc/grpc-js";
import { makeGenericClientConstructor } from "@grpc/grpc-js";

export * from "./type-urls";
export * from "./struct";
export * from "./telemetry-wire";

const require = createRequire(import.meta.url);

function includeDirs(): string[] {
  const xdsRoot = join(dirname(require.resolve("@grpc/grpc-js-xds/package.json")), "deps");
  const weftRoot = join(dirname(require.resolve("@weft/contracts/protos/weft/telemetry/v1/telemetry.proto")), "../../..");
  return [
    join(xdsRoot, "envoy-api"),
    join(xdsRoot, "xds"),
    join(xdsRoot, "googleapis"),
    join(xdsRoot, "protoc-gen-validate"),
    weftRoot,
    // google/protobuf/descriptor.proto (custom options in the Envoy protos import it)
    dirname(require.resolve("protobufjs/package.json")),
  ];
}

/** Every proto file Weft encodes or decodes. Adding an xDS filter config means adding its file here. */
export const PROTO_FILES = [
  "envoy/service/discovery/v3/ads.proto",
  "envoy/config/listener/v3/listener.proto",
  "envoy/config/route/v3/route.proto",
  "envoy/config/cluster/v3/cluster.proto",
  "envoy/config/endpoint/v3/endpoint.proto",
  "envoy/extensions/filters/network/http_connection_manager/v3/http_connection_manager.proto",
  "envoy/extensions/filters/http/router/v3/router.proto",
  "envoy/extensions/transport_sockets/tls/v3/tls.proto",
  "envoy/extensions/filters/http/fault/v3/fault.proto",
  "envoy/extensions/filters/http/local_ratelimit/v3/local_rate_limit.proto",
  "envoy/extensions/load_balancing_policies/least_request/v3/least_request.proto",
  "envoy/extensions/load_balancing_policies/ring_hash/v3/ring_hash.proto",
  "envoy/extensions/load_balancing_policies/round_robin/v3/round_robin.proto",
  "xds/type/v3/typed_struct.proto",
  "envoy/extensions/filters/network/tcp_proxy/v3/tcp_proxy.proto",
  "envoy/extensions/filters/listener/tls_inspector/v3/tls_inspector.proto",
  "envoy/extensions/upstreams/http/v3/http_protocol_options.proto",
  "weft/telemetry/v1/telemetry.proto",
  "weft/ca/v1/ca.proto",
] as const;

export interface Protos {
  root: protobuf.Root;
  ads: ServiceClientConstructor & { service: ServiceDefinition };
  telemetry: ServiceClientConstructor & { service: ServiceDefinition };
  /** weft.ca.v1.CertificateService (served on the xDS port). */
  ca: ServiceClientConstructor & { service: ServiceDefinition };
  /** Decode a message by fully-qualified name into a plain object (Any expanded to `@type` objects). */
  decode<T = Record<string, unknown>>(typeName: string, bytes: Uint8Array): T;
  /** Encode a plain object (nested Any written as `{ "@type": url, ...fields }`) by fully-qualified name. */
  encode(typeName: string, object: Record<string, unknown>): Uint8Array;
}

/** Options for message conversion: snake_case, 64-bit ints as strings, enums by name, Any expanded. */
export const CONVERSION = { longs: String, enums: String, defaults: false, oneofs: true, json: true } as const;
/** gRPC messages as the handlers see them: like CONVERSION, but Any stays `{ type_url, value }` bytes
 *  (an xDS client decodes each resource by its type itself). */
const GRPC_CONVERSION = { longs: String, enums: String, defaults: false, oneofs: true } as const;

/** A @grpc/grpc-js service definition for a service of the Root: protobufjs codecs per method. */
function serviceDefinition(service: protobuf.Service): ServiceDefinition {
  const methods: Record<string, MethodDefinition<object, object>> = {};
  const serviceName = service.fullName.slice(1); // ".envoy.service…" -> "envoy.service…"
  for (const method of service.methodsArray) {
    method.resolve();
    const request = method.resolvedRequestType!;
    const response = method.resolvedResponseType!;
    methods[method.name] = {
      path: `/${serviceName}/${method.name}`,
      requestStream: method.requestStream === true,
      responseStream: method.responseStream === true,
      requestSerialize: (value: object) => Buffer.from(request.encode(request.fromObject(value)).finish()),
      requestDeserialize: (bytes: Buffer) => request.toObject(request.decode(bytes), GRPC_CONVERSION),
      responseSerialize: (value: object) => Buffer.from(response.encode(response.fromObject(value)).finish()),
      responseDeserialize: (bytes: Buffer) => response.toObject(response.decode(bytes), GRPC_CONVERSION),
      originalName: method.name.charAt(0).toLowerCase() + method.name.slice(1),
    };
  }
  return methods as ServiceDefinition;
}

let cached: Protos | undefined;

export function loadProtos(): Protos {
  if (cached) return cached;
  const dirs = includeDirs();
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => {
    for (const dir of dirs) {
      const candidate = join(dir, target);
      if (existsSync(candidate)) return candidate;
    }
    return target;
  };
  root.loadSync([...PROTO_FILES], { keepCase: true });
  root.resolveAll();
  const pick = (name: string) => {
    const service = serviceDefinition(root.lookupService(name));
    return makeGenericClientConstructor(service, name) as ServiceClientConstructor & { service: ServiceDefinition };
  };

  const types = new Map<string, protobuf.Type>();
  const typeOf = (name: string) => {
    let t = types.get(name);
    if (!t) {
      t = root.lookupType(name);
      types.set(name, t);
    }
    return t;
  };

  cached = {
    root,
    ads: pick("envoy.service.discovery.v3.AggregatedDiscoveryService"),
    telemetry: pick("weft.telemetry.v1.TelemetryService"),
    ca: pick("weft.ca.v1.CertificateService"),
    decode: <T>(typeName: string, bytes: Uint8Array) => {
      const t = typeOf(typeName);
      return t.toObject(t.decode(bytes), CONVERSION) as T;
    },
    encode: (typeName: string, object: Record<string, unknown>) => {
      const t = typeOf(typeName);
      return t.encode(t.fromObject(object)).finish();
    },
  };
  return cached;
}
