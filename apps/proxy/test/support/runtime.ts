// Runtime objects for unit tests of layers: a RequestContext over a stand-in IncomingMessage, and
// snapshots built by the real translators from wire-shaped objects.
import type { IncomingHttpHeaders, IncomingMessage } from "node:http";
import { RequestContext, EXTERNAL, UNKNOWN } from "../../src/core/request-context";
import { EMPTY_SNAPSHOT, type ConfigSnapshot, type Direction } from "../../src/core/runtime-config";
import { buildSnapshot } from "../../src/discovery/snapshot-builder";
import { toClusterConfigs } from "../../src/discovery/translate/clusters";
import { toEndpointSets } from "../../src/discovery/translate/endpoints";
import { toListenerConfigs } from "../../src/discovery/translate/listeners";
import { toRouteTables } from "../../src/discovery/translate/routes";
import type { ProxyResponse } from "../../src/core/layer";

export function makeContext(init: {
  direction?: Direction;
  config?: ConfigSnapshot;
  method?: string;
  authority?: string;
  path?: string;
  headers?: IncomingHttpHeaders;
}): RequestContext {
  const direction = init.direction ?? "outbound";
  return new RequestContext(
    direction,
    init.config ?? EMPTY_SNAPSHOT,
    {} as IncomingMessage,
    init.method ?? "GET",
    init.authority ?? "",
    init.path ?? "/",
    init.headers ?? {},
    false,
    direction === "outbound" ? { service: "productpage", namespace: "default", version: "v1" } : EXTERNAL,
    UNKNOWN,
    0,
  );
}

/** Snapshot from wire-shaped resources (as the ADS client would decode them). */
export function snapshotFrom(wire: {
  clusters?: Array<Record<string, unknown>>;
  endpoints?: Array<Record<string, unknown>>;
  listeners?: Array<Record<string, unknown>>;
  routes?: Array<Record<string, unknown>>;
  bound?: { inbound: number; outbound: number };
  random?: () => number;
}): ConfigSnapshot {
  const bound = wire.bound ?? { inbound: 15006, outbound: 15001 };
  return buildSnapshot(
    {
      clusters: toClusterConfigs((wire.clusters ?? []) as never),
      endpoints: toEndpointSets((wire.endpoints ?? []) as never),
      listeners: toListenerConfigs((wire.listeners ?? []) as never, {
        inbound: { address: "127.0.0.1", port: bound.inbound },
        outbound: { address: "127.0.0.1", port: bound.outbound },
      }),
      routes: toRouteTables((wire.routes ?? []) as never),
    },
    EMPTY_SNAPSHOT,
    wire.random ?? (() => 0),
  );
}

export const OK: ProxyResponse = { status: 200, headers: {}, body: null };
export const terminalOk = async () => ({ ...OK, headers: {} });
