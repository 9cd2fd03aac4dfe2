// The protos Weft speaks, loaded once per process into one protobufjs Root: the Envoy xDS v3 types
// and Weft's own, from the compacted descriptor protos/root.json (made from the .proto files by
// parse.ts). Exposes the gRPC service definitions (paths and message codecs, in @grpc/grpc-js's
// shape; grpc-js client classes are in grpc-js.ts, so a process that never makes a grpc-js client
// never loads it) and encode/decode for resources carried as google.protobuf.Any. Field names keep
// the .proto snake_case, so objects read like Envoy's documentation.
// (@grpc/proto-loader is not used: it would build a second copy of every type plus serialized file
// descriptors for reflection, ~5 MB of heap in every sidecar and a slower start, for nothing Weft uses.)
import { createRequire } from "node:module";
import { readFileSync } from "node:fs";
// The light build: reflection and codecs without the .proto parser, which only parse.ts needs.
import protobuf from "protobufjs/light.js";
import type { MethodDefinition, ServiceDefinition } from "@grpc/grpc-js";

export * from "./type-urls";
export * from "./struct";
export * from "./telemetry-wire";

const require = createRequire(import.meta.url);

/** The compacted descriptor of parse.ts's PROTO_FILES, in protobufjs's JSON form. */
export const ROOT_JSON = "@weft/contracts/protos/root.json";

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

/**
 * The Root of protos/root.json. Its types resolve on first use: protobufjs's Root.fromJSON resolves
 * every one at once, which builds a message constructor and a prototype of field defaults for each
 * of the ~400 types and fills every namespace's lookup cache: ~1 MB of heap, for types a sidecar
 * never decodes. A type is resolved (its fields' types and wire features: packing, presence) when
 * its first codec is generated; the tests check every type resolves and matches the .proto files.
 */
export function loadRoot(): protobuf.Root {
  const json = JSON.parse(readFileSync(require.resolve(ROOT_JSON), "utf8")) as protobuf.INamespace;
  const root = new protobuf.Root().addJSON(json.nested ?? {}) as protobuf.Root;
  generateOnFirstUse(root);
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
 * setup does. Every type shares the same five placeholders (one closure per type and codec was
 * ~0.25 MB); each replaces itself, on the type it is called on, with the generated codec.
 */
function generateOnFirstUse(ns: protobuf.NamespaceBase): void {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) Object.assign(child, PLACEHOLDERS);
    if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) generateOnFirstUse(child);
  }
}

function placeholder(name: CodecName) {
  // Named so a test can tell a placeholder from a generated codec.
  return function generateOnFirstUse(this: protobuf.Type, ...args: unknown[]): unknown {
    return generate(this, name).apply(this, args);
  };
}
const PLACEHOLDERS = Object.fromEntries((Object.keys(GENERATORS) as CodecName[]).map((name) => [name, placeholder(name)]));

function generate(type: protobuf.Type, name: CodecName): (...args: unknown[]) => unknown {
  // Resolves the type's fields (their types, packing, presence) and nested types, once.
  type.resolveAll();
  let fn = GENERATORS[name](type, type.fieldsArray.map((f) => f.resolvedType)) as (...args: unknown[]) => unknown;
  const methods = type as unknown as Record<CodecName, unknown>;
  const wrap = name === "fromObject" || name === "toObject" ? protobuf.wrappers[type.fullName]?.[name] : undefined;
  if (wrap) {
    // setup's "originalThis": the type, with the generated converter the wrapper calls.
    const unwrapped = Object.create(type) as Record<CodecName, unknown>;
    unwrapped[name] = fn;
    fn = (wrap as (...args: unknown[]) => unknown).bind(unwrapped);
  }
  methods[name] = fn;
  return fn;
}

let cached: Protos | undefined;

export function loadProtos(): Protos {
  if (cached) return cached;
  const root = loadRoot();

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
