// The innermost handler of both stacks: sends the request to the endpoint the balancer picked over
// its keep-alive pool and returns the upstream response unread (status, headers, streaming body).
// Maps transport failures to contract error codes; retry/timeout layers sit above and may call it again.
import { ErrorCode } from "@weft/contracts";
import { ProxyError } from "../core/errors";
import type { Handler } from "../core/layer";
import type { RequestContext } from "../core/request-context";
import type { UpstreamPools } from "./pools";

const CONNECT_ERRORS = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH", "EADDRNOTAVAIL"]);
const TIMEOUT_ERRORS = new Set(["UND_ERR_HEADERS_TIMEOUT"]);

export function createForwarder(pools: UpstreamPools): Handler {
  return async function forward(ctx: RequestContext) {
    const endpoint = ctx.endpoint;
    const cluster = ctx.cluster;
    if (endpoint === undefined || cluster === undefined) {
      throw new ProxyError(ErrorCode.Internal, "no endpoint chosen before forwarding (layer stack misassembled)");
    }
    const pool = pools.get(endpoint, cluster.config.connectTimeoutMs);
    try {
      const upstream = await pool.request({
        method: ctx.method,
        path: ctx.path,
        headers: ctx.headers,
        body: ctx.hasBody ? ctx.downstream : null,
      });
      return { status: upstream.statusCode, headers: upstream.headers, body: upstream.body };
    } catch (err) {
      throw toProxyError(err, ctx);
    }
  };
}

export function toProxyError(err: unknown, ctx: RequestContext): ProxyError {
  const code = (err as { code?: string } | null)?.code ?? "";
  const where = `endpoint ${ctx.endpoint?.key ?? "?"} of cluster "${ctx.cluster?.config.name ?? "?"}"`;
  const detail = (err as Error | null)?.message ?? String(err);
  if (CONNECT_ERRORS.has(code)) {
    return new ProxyError(ErrorCode.UpstreamConnectFailed, `cannot connect to ${where}: ${detail}`);
  }
  if (TIMEOUT_ERRORS.has(code)) {
    return new ProxyError(ErrorCode.UpstreamTimeout, `no response headers from ${where} in time`);
  }
  return new ProxyError(ErrorCode.UpstreamReset, `${where} reset the connection before responding: ${detail}`);
}
