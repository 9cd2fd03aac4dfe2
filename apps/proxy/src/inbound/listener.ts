// The inbound listener (WEFT_INBOUND_ADDRESS:WEFT_INBOUND_PORT): peers' sidecars (and callers
// without one) reach the local app through it; routed by the `weft.inbound` route table.
import type { Server } from "node:http";
import { createProxyServer } from "../core/http-server";
import { createRequestListener, type ExchangeOptions } from "../core/exchange";

export function createInboundServer(options: Omit<ExchangeOptions, "direction">): Server {
  return createProxyServer(createRequestListener({ ...options, direction: "inbound" }));
}
