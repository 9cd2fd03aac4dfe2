// The outbound listener (always 127.0.0.1): the local app reaches the mesh through it — HTTP/1.1
// as its HTTP proxy (absolute-form `GET http://reviews:9080/x`, or a CONNECT tunnel carrying
// HTTP/1.1 or h2c: undici's ProxyAgent, grpc-js with `http_proxy`), origin-form with `Host:
// reviews`, or HTTP/2 with prior knowledge (h2c) and `:authority: reviews:9080` (gRPC clients
// dialling the sidecar). All end in the same exchange and layer stack.
import { SidecarResourceNames } from "@weft/contracts";
import { createExchange } from "../core/exchange";
import { createProxyListener, type ProxyListener } from "../core/proxy-listener";
import { PLAINTEXT_HTTP_LISTENER } from "../core/transport-config";
import type { DirectionListenerOptions } from "../inbound/listener";

export function createOutboundListener(options: DirectionListenerOptions): ProxyListener {
  const name = SidecarResourceNames.outboundListener;
  return createProxyListener({
    name,
    direction: "outbound",
    exchange: createExchange({ ...options, direction: "outbound" }),
    transport: () => options.config.current.outbound?.transport ?? PLAINTEXT_HTTP_LISTENER,
    tls: options.tls,
    tcp: (socket, chain, peer) => options.tcp(socket, chain, peer, name),
    connectTunnels: true,
    events: options.events,
    logger: options.logger,
    clock: options.clock,
  });
}
