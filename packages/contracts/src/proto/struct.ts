// google.protobuf.Struct <-> plain JSON. xDS carries node metadata as a Struct; as decoded by
// proto-loader it is a tree of {kind, <kind>Value} objects that nobody wants to read.

type StructValue =
  | { nullValue: "NULL_VALUE" | 0 }
  | { numberValue: number }
  | { stringValue: string }
  | { boolValue: boolean }
  | { structValue: { fields: Record<string, StructValue> } }
  | { listValue: { values: StructValue[] } };

// Decoded with keepCase the fields are snake_case (null_value, struct_value, ...); accept both.
function valueToJson(v: any): unknown {
  if (v == null) return null;
  if ("stringValue" in v || "string_value" in v) return v.stringValue ?? v.string_value;
  if ("numberValue" in v || "number_value" in v) return v.numberValue ?? v.number_value;
  if ("boolValue" in v || "bool_value" in v) return v.boolValue ?? v.bool_value;
  if ("structValue" in v || "struct_value" in v) return structToJson(v.structValue ?? v.struct_value);
  if ("listValue" in v || "list_value" in v) return ((v.listValue ?? v.list_value)?.values ?? []).map(valueToJson);
  return null;
}

export function structToJson(struct: unknown): Record<string, unknown> {
  const fields = (struct as { fields?: Record<string, unknown> } | undefined)?.fields ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(fields)) out[k] = valueToJson(v);
  return out;
}

// camelCase on purpose: protobufjs serves google/protobuf/struct.proto from its built-in
// definitions, whose field names are camelCase even under keepCase; snake_case keys are dropped
// silently on encode (the metadata arrived as `{ weft: {} }`).
function jsonToValue(v: unknown): Record<string, unknown> {
  if (v === null || v === undefined) return { nullValue: "NULL_VALUE" };
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "number") return { numberValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (Array.isArray(v)) return { listValue: { values: v.map(jsonToValue) } };
  return { structValue: jsonToStruct(v as Record<string, unknown>) };
}

/** Plain JSON object -> Struct in the form protobufjs/proto-loader encode (see jsonToValue). */
export function jsonToStruct(obj: Record<string, unknown>): { fields: Record<string, unknown> } {
  const fields: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) fields[k] = jsonToValue(v);
  return { fields };
}

export type { StructValue };
