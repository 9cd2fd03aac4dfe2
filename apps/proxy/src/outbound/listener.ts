// The outbound listener (always 127.0.0.1): the local app reaches the mesh through it, either as
// its HTTP proxy (absolute-form `GET http://reviews:9080/x`, or a CONNECT tunnel carrying plain
// HTTP, which is what undici's ProxyAgent/EnvHttpProxyAgent do by default) or with origin-form
// requests and `Host: reviews`. Both end in the same exchange and layer stack.
import type { Server } from "node:http";
import type { Duplex } from "node:stream";
import { createProxyServer } from "../core/http-server";
import { createRequestListener, type ExchangeOptions } from "../core/exchange";

export function createOutboundServer(options: Omit<ExchangeOptions, "direction">): Server {
  const server = createProxyServer(createRequestListener({ ...options, direction: "outbound" }));
  // CONNECT host:port -> 200, then parse the tunnel as a new HTTP/1.1 connection on this server.
  // Requests inside carry `Host: host:port`, so routing is the Host mode. TLS inside the tunnel
  // (https:// targets) is not HTTP and fails to parse: the mesh is plaintext until mTLS lands.
  server.on("connect", (req, socket: Duplex, head: Buffer) => {
    socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
    if (head.length > 0) socket.unshift(head);
    server.emit("connection", socket);
  });
  return server;
}
