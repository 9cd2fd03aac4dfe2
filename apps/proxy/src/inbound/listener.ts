// The inbound listener (WEFT_INBOUND_ADDRESS:WEFT_INBOUND_PORT): peers' sidecars (and callers
// without one) reach the local app through it. Its LDS filter chains decide mTLS (STRICT: TLS with
// a mesh client certificate only; PERMISSIVE: TLS or plaintext) and HTTP (routed by `weft.inbound`)
// or opaque TCP (tcp_proxy to the local app).
import { SidecarResourceNames } from "@weft/contracts";
import { createExchange, type ExchangeOptions } from "../core/exchange";
import { createProxyListener, type ProxyListener } from "../core/proxy-listener";
import type { ConfigSource } from "../core/runtime-config";
import { PLAINTEXT_HTTP_LISTENER } from "../core/transport-config";
import type { TlsMaterial } from "../tls/material";
import type { TcpProxy } from "../tcp/tcp-proxy";

export interface DirectionListenerOptions extends Omit<ExchangeOptions, "direction" | "config"> {
  config: ConfigSource;
  tls(): TlsMaterial | undefined;
  tcp: TcpProxy;
}

export function createInboundListener(options: DirectionListenerOptions): ProxyListener {
  const name = SidecarResourceNames.inboundListener;
  return createProxyListener({
    name,
    direction: "inbound",
    exchange: createExchange({ ...options, direction: "inbound" }),
    transport: () => options.config.current.inbound?.transport ?? PLAINTEXT_HTTP_LISTENER,
    tls: options.tls,
    tcp: (socket, chain, peer) => options.tcp(socket, chain, peer, name),
    events: options.events,
    logger: options.logger,
    clock: options.clock,
  });
}
