// The xDS Node this sidecar presents: id, cluster = service name, and the Weft metadata
// (SidecarMetadata) under `metadata.weft`, with the ports actually bound. Its values come from the
// validated environment (env.ts) and the bound ports; the controller checks them against
// SidecarMetadataSchema on arrival and answers a bad one with the field at fault. The sidecar
// does not load the contracts' zod schemas itself (docs/benchmarks.md, RSS).
import type { SidecarMetadata } from "@weft/contracts";
import { jsonToStruct } from "@weft/contracts/proto";

export const USER_AGENT_NAME = "weft-proxy";

export function buildNode(nodeId: string, weft: SidecarMetadata): Record<string, unknown> {
  return {
    id: nodeId,
    cluster: weft.service,
    user_agent_name: USER_AGENT_NAME,
    user_agent_version: weft.proxyVersion,
    metadata: jsonToStruct({ weft }),
  };
}
