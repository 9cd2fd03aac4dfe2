// Build-time side of the protos: parses the .proto files Weft uses (the Envoy xDS v3 protos shipped
// inside @grpc/grpc-js-xds, and Weft's own) and compacts them into the protobufjs JSON descriptor
// that processes load at start (protos/root.json, written by `npm run protos -w packages/contracts`;
// a test fails when it is out of date). Parsing the ~100 files cost every sidecar and controller
// ~0.25 s of CPU and ~15 MB of peak memory at start; reading the descriptor takes ~20 ms.
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { existsSync } from "node:fs";
import protobuf from "protobufjs";

const require = createRequire(import.meta.url);

/**
 * Every proto file Weft encodes or decodes. Adding an xDS filter config means adding its file here,
 * then running `npm run protos -w packages/contracts`.
 */
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
  // google.rpc.RetryInfo: when a gRPC server (an OTLP collector) says to come back
  "google/rpc/error_details.proto",
  "weft/telemetry/v1/telemetry.proto",
  "weft/ca/v1/ca.proto",
] as const;

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

/** Packages whose types only describe options (validation rules, API annotations): never on the wire. */
const ANNOTATION_PACKAGES = ["validate", "udpa.annotations", "xds.annotations", "envoy.annotations"] as const;
/** Field options that change encoding or decoding; every other option is documentation or validation. */
const WIRE_OPTIONS = new Set(["packed", "default"]);
/** descriptor.proto's messages and enums (needed to parse custom options, not to encode anything). */
const DESCRIPTOR_TYPES = /^(FileDescriptorSet|\w*DescriptorProto|\w*Options|UninterpretedOption|SourceCodeInfo|GeneratedCodeInfo|FeatureSet\w*|Edition|SymbolVisibility)$/;

export type JsonNode = { nested?: Record<string, JsonNode>; fields?: Record<string, JsonNode>; options?: Record<string, unknown>; extend?: string; [k: string]: unknown };

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
 * The descriptor Weft keeps: the parsed Root's JSON form without options, option-only packages,
 * extensions and descriptor.proto's types. Nothing on the wire uses them: validation rules,
 * annotations and their types were ~1 MB of every process's heap.
 */
export function compactJson(parsed: protobuf.Root): JsonNode {
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
  return json;
}

/** PROTO_FILES parsed as they are, options and all (what compactJson compacts; tests compare the two). */
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
