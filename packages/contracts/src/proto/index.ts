// Loads the Envoy xDS v3 protos (shipped inside @grpc/grpc-js-xds) and Weft's own protos once per
// process into one protobufjs Root, and exposes: the gRPC service definitions (paths and message
// codecs, built from that Root, in @grpc/grpc-js's shape; grpc-js client classes are in grpc-js.ts,
// so a process that never makes a grpc-js client never loads it) and encode/decode for resources
// carried as google.protobuf.Any. Field names
// keep the .proto snake_case, so objects read like Envoy's documentation.
// (@grpc/proto-loader is not used: it would build a second copy of every type plus serialized file
// descriptors for reflection, ~5 MB of heap in every sidecar and a slower start, for nothing Weft uses.)
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import protobuf from "protobufjs";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

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

/** The gRPC services Weft serves, by their key in `Protos.services`. */
export const SERVICE_NAMES = {
  ads: "envoy.service.discovery.v3.AggregatedDiscoveryService",
  telemetry: "weft.telemetry.v1.TelemetryService",
  /** weft.ca.v1.CertificateService (served on the xDS port). */
  ca: "weft.ca.v1.CertificateService",
} as const;
export type ServiceKey = keyof typeof SERVICE_NAMES;

export interface Protos {
  root: protobuf.Root;
  services: Record<ServiceKey, ServiceDefinition>;
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

/** Packages whose types only describe options (validation rules, API annotations): never on the wire. */
const ANNOTATION_PACKAGES = ["validate", "udpa.annotations", "xds.annotations", "envoy.annotations"] as const;
/** Field options that change encoding or decoding; every other option is documentation or validation. */
const WIRE_OPTIONS = new Set(["packed", "default"]);
/** descriptor.proto's messages and enums (needed to parse custom options, not to encode anything). */
const DESCRIPTOR_TYPES = /^(FileDescriptorSet|\w*DescriptorProto|\w*Options|UninterpretedOption|SourceCodeInfo|GeneratedCodeInfo|FeatureSet\w*|Edition|SymbolVisibility)$/;

type JsonNode = { nested?: Record<string, JsonNode>; fields?: Record<string, JsonNode>; options?: Record<string, unknown>; extend?: string; [k: string]: unknown };

function stripJson(node: JsonNode): void {
  if (node.options !== undefined) {
    const kept = Object.entries(node.options).filter(([name]) => WIRE_OPTIONS.has(name));
    if (kept.length > 0) node.options = Object.fromEntries(kept);
    else delete node.options;
  }
  for (const group of [node.nested, node.fields]) {
    if (group === undefined) continue;
    for (const [name, child] of Object.entries(group)) {
      // Extensions of google.protobuf.*Options declare custom options (validation rules, annotations).
      if (child.extend !== undefined) delete group[name];
      else stripJson(child);
    }
  }
}

/**
 * The Root Weft keeps: the parsed one re-built from its JSON form without options, option-only
 * packages, extensions and descriptor.proto's types. Parsed names are slices of each .proto file's
 * text, so the parsed Root kept ~1 MB of proto source alive, and the options and option-only types
 * another ~1 MB that nothing on the wire uses (loadProtos: 5.4 -> 3.5 MB of heap per process).
 * resolveAll() fails here, at start, if a type still needed was dropped.
 */
function compactRoot(parsed: protobuf.Root): protobuf.Root {
  const json = parsed.toJSON() as JsonNode;
  const at = (path: string) => path.split(".").reduce<JsonNode | undefined>((node, key) => node?.nested?.[key], json);
  for (const pkg of ANNOTATION_PACKAGES) {
    const dot = pkg.lastIndexOf(".");
    const parent = dot === -1 ? json : at(pkg.slice(0, dot));
    delete parent?.nested?.[pkg.slice(dot + 1)];
  }
  const wellKnown = at("google.protobuf")?.nested;
  if (wellKnown !== undefined) {
    for (const name of Object.keys(wellKnown)) if (DESCRIPTOR_TYPES.test(name)) delete wellKnown[name];
  }
  stripJson(json);
  // Through a string: fresh strings, nothing shared with the parsed files' text.
  const root = protobuf.Root.fromJSON(JSON.parse(JSON.stringify(json)) as protobuf.INamespace);
  root.resolveAll();
  return root;
}

/** protobufjs's five code generators, by the Type method each one's output becomes. */
const GENERATORS = {
  encode: (t: protobuf.Type, types: unknown[]) => protobuf.encoder(t)({ Writer: protobuf.Writer, types, util: protobuf.util }),
  decode: (t: protobuf.Type, types: unknown[]) => protobuf.decoder(t)({ Reader: protobuf.Reader, types, util: protobuf.util }),
  verify: (t: protobuf.Type, types: unknown[]) => protobuf.verifier(t)({ types, util: protobuf.util }),
  fromObject: (t: protobuf.Type, types: unknown[]) => protobuf.converter.fromObject(t)({ types, util: protobuf.util }),
  toObject: (t: protobuf.Type, types: unknown[]) => protobuf.converter.toObject(t)({ types, util: protobuf.util }),
} as const;
type CodecName = keyof typeof GENERATORS;

/**
 * Makes every Type of the Root generate each of its codecs on first use, one at a time. protobufjs
 * generates all five at once (Type#setup) on the first call of any: a process that only decodes a
 * Cluster also got its encode, verify and fromObject — their JavaScript source, which V8 keeps for
 * as long as the function lives, ~1 MB in a sidecar, and nothing ever calls verify. The functions
 * are the ones setup would make, from the same generators with the same arguments, and the
 * well-known types' wrappers (google.protobuf.Any's "@type" form) wrap fromObject and toObject as
 * setup does.
 */
function generateOnFirstUse(ns: protobuf.NamespaceBase): void {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) onDemand(child);
    if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) generateOnFirstUse(child);
  }
}

function onDemand(type: protobuf.Type): void {
  let fieldTypes: unknown[] | undefined;
  const wrapper = protobuf.wrappers[type.fullName];
  // setup's "originalThis": the type, with the generated converter the wrapper calls.
  const unwrapped = wrapper ? (Object.create(type) as Record<CodecName, unknown>) : undefined;
  const methods = type as unknown as Record<CodecName, (...args: unknown[]) => unknown>;
  for (const name of Object.keys(GENERATORS) as CodecName[]) {
    methods[name] = function generateOnFirstUse(this: unknown, ...args: unknown[]) {
      fieldTypes ??= type.fieldsArray.map((f) => f.resolve().resolvedType);
      let fn = GENERATORS[name](type, fieldTypes) as (...a: unknown[]) => unknown;
      const wrap = name === "fromObject" || name === "toObject" ? wrapper?.[name] : undefined;
      if (wrap && unwrapped) {
        unwrapped[name] = fn;
        fn = (wrap as (...a: unknown[]) => unknown).bind(unwrapped);
      }
      methods[name] = fn;
      return fn.apply(this, args);
    };
  }
}

let cached: Protos | undefined;

/** PROTO_FILES parsed as they are, options and all (what loadProtos compacts; tests compare the two). */
export function parseProtoFiles(): protobuf.Root {
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
  return root;
}

export function loadProtos(): Protos {
  if (cached) return cached;
  const root = compactRoot(parseProtoFiles());
  generateOnFirstUse(root);

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
    services: {
      ads: serviceDefinition(root.lookupService(SERVICE_NAMES.ads)),
      telemetry: serviceDefinition(root.lookupService(SERVICE_NAMES.telemetry)),
      ca: serviceDefinition(root.lookupService(SERVICE_NAMES.ca)),
    },
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
