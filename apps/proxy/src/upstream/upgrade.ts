// HTTP/1.1 upgrades (WebSocket) towards an endpoint: a dedicated connection (TLS with ALPN
// http/1.1 to a peer sidecar, plain to the local app) carrying the request head; a 101 hands the
// upstream socket to the exchange, which splices it to the client. Any other answer is returned as
// a normal response. (Upgrades are HTTP/1.1 only; sidecar-to-sidecar HTTP/2 has no Upgrade.)
import { request as httpRequest, type IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { ProxyResponse } from "../core/layer";
import type { RequestContext } from "../core/request-context";
import type { Endpoint } from "../core/runtime-config";
import type { UpstreamTls } from "../core/transport-config";
import type { TlsMaterial } from "../tls/material";
import { HTTP1_ALPN, kUpstreamPeer, openUpstreamSocket, type UpstreamSocket } from "./connect";

export function forwardUpgrade(
  ctx: RequestContext,
  endpoint: Endpoint,
  tls: UpstreamTls | undefined,
  material: TlsMaterial | undefined,
  connectTimeoutMs: number,
): Promise<ProxyResponse> {
  const socket: UpstreamSocket = openUpstreamSocket({ endpoint, tls, material, alpn: HTTP1_ALPN, connectTimeoutMs });
  const headers = { ...ctx.headers, connection: "Upgrade", upgrade: ctx.upgrade };
  return new Promise<ProxyResponse>((resolve, reject) => {
    const req = httpRequest({ createConnection: () => socket, method: ctx.method, path: ctx.path, headers });
    req.once("upgrade", (res: IncomingMessage, upstream: Duplex, head: Buffer) => {
      ctx.upgraded = { socket: upstream, head };
      ctx.upstreamPeer = socket[kUpstreamPeer];
      resolve({ status: res.statusCode ?? 101, headers: res.headers, body: null });
    });
    req.once("response", (res: IncomingMessage) => {
      // Declined: relay the answer; the connection is not reused.
      res.once("end", () => socket.destroy());
      resolve({ status: res.statusCode ?? 502, headers: res.headers, body: res });
    });
    req.once("error", (err) => {
      socket.destroy();
      reject(err);
    });
    req.end();
  });
}
