// The innermost handler of both stacks: sends the request to the endpoint the balancer picked and
// returns the upstream response unread (status, headers, streaming body). Chooses the transport per
// endpoint (transport_socket_matches: mTLS to sidecars, plaintext otherwise) and the protocol per
// cluster (HTTP/1.1 keep-alive pool (h1-pool.ts), HTTP/2 session — h2c or ALPN — or an upgrade tunnel). Maps
// transport failures to contract error codes; retry/timeout layers sit above and may call it again.
import { ErrorCode } from "@weft/contracts";
import { MESH_ALPN } from "@weft/contracts";
import type { Readable } from "node:stream";
import { ProxyError } from "../core/errors";
import type { Handler, ProxyResponse } from "../core/layer";
import type { RequestContext } from "../core/request-context";
import type { UpstreamTls } from "../core/transport-config";
import { upstreamTlsFor } from "../core/transport-config";
import { isConnectError } from "./connect";
import { ALPN_HTTP1 } from "./h2-sessions";
import { forwardH2 } from "./h2-forward";
import { wasNotProcessed } from "../http2/client-session";
import { forwardUpgrade } from "./upgrade";
import { BodyReplay } from "./body-replay";
import type { UpstreamPools } from "./pools";

const CONNECT_ERRORS = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);
const TIMEOUT_ERRORS = new Set(["WEFT_HEADERS_TIMEOUT"]);
const H2_ONLY = ["h2"] as const;

/** The TLS the chosen endpoint gets (per-endpoint match labels, else the cluster's transport_socket). */
export function endpointTls(ctx: RequestContext): UpstreamTls | undefined {
  const transport = ctx.cluster!.config.transport;
  if (transport.matches.length === 0) return transport.tls;
  return upstreamTlsFor(transport, ctx.config.endpointLabels?.get(ctx.endpoint!.key));
}

async function forwardH1(ctx: RequestContext, pools: UpstreamPools, tls: UpstreamTls | undefined, body: Readable | Buffer | null): Promise<ProxyResponse> {
  const pool = pools.http1(ctx.endpoint!, tls, ctx.cluster!.config.connectTimeoutMs);
  const upstream = await pool.request({ method: ctx.method, path: ctx.path, headers: ctx.headers, body, signal: ctx.signal });
  if (upstream.peer !== undefined) ctx.upstreamPeer = upstream.peer;
  return { status: upstream.statusCode, headers: upstream.headers, body: upstream.body };
}

export function createForwarder(pools: UpstreamPools): Handler {
  return async function forward(ctx: RequestContext) {
    const endpoint = ctx.endpoint;
    const cluster = ctx.cluster;
    if (endpoint === undefined || cluster === undefined) {
      throw new ProxyError(ErrorCode.Internal, "no endpoint chosen before forwarding (layer stack misassembled)");
    }
    const tls = endpointTls(ctx);
    const connectTimeoutMs = cluster.config.connectTimeoutMs;
    const body = ctx.requestBody !== undefined ? ctx.requestBody : ctx.hasBody ? ctx.downstream : null;
    try {
      if (ctx.upgrade !== undefined) return await forwardUpgrade(ctx, endpoint, tls, tls ? pools.tls() : undefined, connectTimeoutMs);
      const protocol = cluster.config.transport.protocol;
      const h1Key = tls === undefined ? "" : `${endpoint.key}|${tls.key}`;
      if (protocol === "http2" || (protocol === "auto" && tls !== undefined && !pools.http1Only.has(h1Key))) {
        const alpn = protocol === "http2" ? H2_ONLY : tls!.alpn.length > 0 ? tls!.alpn : MESH_ALPN;
        const material = tls ? pools.tls() : undefined;
        const scheme = tls ? "https" : "http";
        const entry = pools.h2.get(endpoint, tls, material, alpn, connectTimeoutMs);
        if (protocol === "auto" && entry.connecting) {
          // The protocol is ALPN's choice: learn it before the body starts flowing.
          try {
            await entry.ready;
          } catch (err) {
            if (((err as { code?: string }).code ?? "") !== ALPN_HTTP1) throw err;
            pools.http1Only.add(h1Key);
            return await forwardH1(ctx, pools, tls, body);
          }
        }
        // A streamed body keeps its first bytes until the first attempt is answered, for the retry below.
        const replay = body !== null && !Buffer.isBuffer(body) ? new BodyReplay(body) : undefined;
        try {
          return await forwardH2(ctx, entry, body, scheme);
        } catch (err) {
          // Refused before any processing (the upstream's GOAWAY crossed it: a sidecar draining or
          // closing an idle connection; REFUSED_STREAM): sent once more on a fresh session, as gRPC's
          // transparent retry does — when the body can be sent again (none, buffered, or a stream
          // that had sent no more than REPLAY_LIMIT_BYTES). Not a retry of the route's policy.
          if (!wasNotProcessed(err) || ctx.signal?.aborted === true || ctx.downstreamGone) throw err;
          const again = replay === undefined ? body : replay.replay();
          if (again === undefined) throw err;
          return await forwardH2(ctx, pools.h2.get(endpoint, tls, material, alpn, connectTimeoutMs), again, scheme);
        } finally {
          replay?.stop();
        }
      }
      return await forwardH1(ctx, pools, tls, body);
    } catch (err) {
      throw toProxyError(err, ctx);
    }
  };
}

export function toProxyError(err: unknown, ctx: RequestContext): ProxyError {
  if (err instanceof ProxyError) return err;
  const e = err as { code?: string; message?: string } | null;
  const code = e?.code ?? "";
  const where = `endpoint ${ctx.endpoint?.key ?? "?"} of cluster "${ctx.cluster?.config.name ?? "?"}"`;
  const detail = e?.message ?? String(err);
  if (CONNECT_ERRORS.has(code) || isConnectError(err)) {
    return new ProxyError(ErrorCode.UpstreamConnectFailed, `cannot connect to ${where}: ${detail}`);
  }
  if (TIMEOUT_ERRORS.has(code)) {
    return new ProxyError(ErrorCode.UpstreamTimeout, `no response headers from ${where} in time`);
  }
  return new ProxyError(ErrorCode.UpstreamReset, `${where} reset the connection before responding: ${detail}`);
}
