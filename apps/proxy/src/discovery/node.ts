// The xDS Node this sidecar presents: id, cluster = service name, and the Weft metadata
// (SidecarMetadataSchema) under `metadata.weft`, with the ports actually bound.
import { SidecarMetadataSchema, type SidecarMetadata } from "@weft/contracts";
import { jsonToStruct } from "@weft/contracts/proto";

export const USER_AGENT_NAME = "weft-proxy";

export function buildNode(nodeId: string, metadata: SidecarMetadata): Record<string, unknown> {
  // Validate against the contract before it leaves the process: a bad value is our bug, not the controller's.
  const weft = SidecarMetadataSchema.parse(metadata);
  return {
    id: nodeId,
    cluster: weft.service,
    user_agent_name: USER_AGENT_NAME,
    user_agent_version: weft.proxyVersion,
    metadata: jsonToStruct({ weft }),
  };
}
