// Node metadata travels as a google.protobuf.Struct: it must survive encode -> decode intact.
import { describe, expect, it } from "vitest";
import { jsonToStruct, loadProtos, structToJson, TypeName } from "./index";

describe("jsonToStruct / structToJson", () => {
  it("round-trips nested JSON through the wire encoding", () => {
    const protos = loadProtos();
    const weft = { service: "reviews", port: 9080, register: true, labels: { track: "a" }, list: [1, "x", null] };
    const bytes = protos.encode(TypeName.DiscoveryRequest, { node: { id: "n1", metadata: jsonToStruct({ weft }) } });
    const decoded = protos.decode<{ node: { metadata: unknown } }>(TypeName.DiscoveryRequest, bytes);
    expect(structToJson(decoded.node.metadata)).toEqual({ weft });
  });
});
