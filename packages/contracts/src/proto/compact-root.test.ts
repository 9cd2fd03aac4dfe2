// Processes load a compacted descriptor (protos/root.json: no options, no option-only packages) whose
// types resolve on first use: it must be what the .proto files compact to, describe every wire type
// exactly as the parsed files do, and encode the same bytes.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { CONVERSION, loadProtos, loadRoot, ROOT_JSON, TypeName } from "./index";
import { compactJson, parseProtoFiles } from "./parse";

function typesOf(ns: protobuf.NamespaceBase, out: protobuf.Type[] = []): protobuf.Type[] {
  for (const child of ns.nestedArray) {
    if (child instanceof protobuf.Type) out.push(child);
    if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) typesOf(child, out);
  }
  return out;
}

/** What decides a field's encoding and its decoded shape. */
function wireShape(f: protobuf.Field): unknown[] {
  return [f.id, f.type, f.repeated, f.map, f.packed, f.optional, f.partOf?.name, f.defaultValue, Boolean(f.hasPresence), f.resolvedType?.fullName];
}

const OPTION_ONLY = /^\.(validate|udpa\.annotations|xds\.annotations|envoy\.annotations)\.|^\.google\.protobuf\.(\w*DescriptorProto|\w*Options|FileDescriptorSet|UninterpretedOption|SourceCodeInfo|GeneratedCodeInfo|FeatureSet\w*|Edition|SymbolVisibility)(\.|$)/;

describe("loadProtos' compacted Root", () => {
  const parsed = parseProtoFiles();
  const compact = loadProtos().root;

  it("is loaded from protos/root.json, which is what the .proto files compact to", () => {
    const onDisk: unknown = JSON.parse(readFileSync(createRequire(import.meta.url).resolve(ROOT_JSON), "utf8"));
    expect(onDisk, "protos/root.json is out of date: run `npm run protos -w packages/contracts`").toEqual(compactJson(parsed));
  });

  it("keeps every wire type with the same fields, numbers, types, packing and presence, each resolving on its own", () => {
    // A fresh Root: each type resolved by itself, as generating its first codec does.
    const fresh = loadRoot();
    let compared = 0;
    for (const type of typesOf(parsed)) {
      if (OPTION_ONLY.test(type.fullName)) {
        expect(fresh.lookup(type.fullName), `${type.fullName} is only used by options`).toBeNull();
        continue;
      }
      const kept = fresh.lookupType(type.fullName);
      kept.resolveAll();
      expect(Object.keys(kept.fields).sort(), type.fullName).toEqual(Object.keys(type.fields).sort());
      for (const field of type.fieldsArray) expect(wireShape(kept.fields[field.name]!), `${type.fullName}.${field.name}`).toEqual(wireShape(field));
      compared++;
    }
    expect(compared).toBeGreaterThan(300);
  });

  it("resolves a type when its first codec is generated, and no other type", () => {
    const fresh = loadRoot();
    const assignment = fresh.lookupType(TypeName.ClusterLoadAssignment);
    expect(assignment.resolved).toBe(false);
    const bytes = assignment.encode(assignment.fromObject({ cluster_name: "c", endpoints: [{ lb_endpoints: [{ endpoint: { address: { socket_address: { address: "127.0.0.1", port_value: 8080 } } } }] }] })).finish();
    expect(assignment.toObject(assignment.decode(bytes), CONVERSION)).toMatchObject({ cluster_name: "c" });
    expect(assignment.resolved).toBe(true);
    // Reached through its fields: resolved as its own codecs were generated.
    expect(fresh.lookupType("envoy.config.core.v3.SocketAddress").resolved).toBe(true);
    // Never used: left as loaded.
    expect(fresh.lookupType(TypeName.Cluster).resolved).toBe(false);
    expect(fresh.lookupType(TypeName.Listener).resolved).toBe(false);
  });

  it("drops the options and the option-only packages", () => {
    expect(compact.lookup("validate")).toBeNull();
    expect(compact.lookup("udpa.annotations")).toBeNull();
    expect(compact.lookup("google.protobuf.FieldOptions")).toBeNull();
    // The parsed files carry validation rules and annotations there.
    expect(parsed.lookupType(TypeName.Cluster).fields["name"]!.options).toEqual({ "(validate.rules).string.min_len": 1 });
    expect(compact.lookupType(TypeName.Cluster).fields["name"]!.options).toBeUndefined();
  });

  it("encodes the same bytes as the parsed files (packed repeated scalars, Any, enums, maps)", () => {
    const route = {
      name: "r",
      virtual_hosts: [
        {
          name: "vh",
          domains: ["a.ns", "a.ns:80"],
          retry_policy: { retry_on: "5xx", num_retries: { value: 3 }, retriable_status_codes: [503, 504, 429], per_try_timeout: { seconds: "1", nanos: 5 } },
          routes: [{ match: { prefix: "/", headers: [{ name: "x", present_match: true }] }, route: { cluster: "c", timeout: { seconds: "2" } } }],
          typed_per_filter_config: { f: { type_url: "type.googleapis.com/google.protobuf.Empty", value: new Uint8Array() } },
        },
      ],
    };
    const encode = (root: protobuf.Root) => {
      const t = root.lookupType(TypeName.RouteConfiguration);
      return Buffer.from(t.encode(t.fromObject(route)).finish()).toString("hex");
    };
    expect(encode(compact)).toBe(encode(parsed));
  });

  it("generates each codec of a type on first use, the same functions protobufjs' setup makes at once", () => {
    const protos = loadProtos();
    const listener = {
      name: "l",
      address: { socket_address: { address: "127.0.0.1", port_value: 15001 } },
      filter_chains: [
        {
          filters: [
            {
              name: "envoy.filters.network.http_connection_manager",
              typed_config: { "@type": "type.googleapis.com/envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager", stat_prefix: "out", rds: { route_config_name: "r" } },
            },
          ],
        },
      ],
    };
    const type = compact.lookupType(TypeName.Listener) as unknown as Record<string, { name: string }>;
    expect(type["decode"]!.name, "nothing generated before first use").toBe("generateOnFirstUse");
    const bytes = protos.encode(TypeName.Listener, listener);
    // The eager Root of the parsed files encodes and decodes the same (Any's "@type" wrapper included).
    const eager = parsed.lookupType(TypeName.Listener);
    expect(Buffer.from(bytes).toString("hex")).toBe(Buffer.from(eager.encode(eager.fromObject(listener)).finish()).toString("hex"));
    const decoded = protos.decode(TypeName.Listener, bytes);
    expect(decoded).toEqual(eager.toObject(eager.decode(bytes), CONVERSION));
    expect(decoded).toMatchObject({ filter_chains: [{ filters: [{ typed_config: { "@type": listener.filter_chains[0]!.filters[0]!.typed_config["@type"], stat_prefix: "out" } }] }] });
    // What was used is generated; verify, which nothing calls, is not.
    for (const used of ["encode", "fromObject", "decode", "toObject"]) expect(type[used]!.name, used).not.toBe("generateOnFirstUse");
    expect(type["verify"]!.name).toBe("generateOnFirstUse");
  });
});

