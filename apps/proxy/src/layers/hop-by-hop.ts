// Strips hop-by-hop headers (RFC 9110 §7.6.1) both ways: they describe one connection, not the
// message; each side's framing is the codec's own. Also drops `expect` (the sidecar already answered 100-continue)
// and every header the Connection header names.
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { Layer } from "../core/layer";

const HOP_BY_HOP = [
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "te",
  "trailer",
  "transfer-encoding",
  "upgrade",
] as const;

export function stripHopByHop(headers: IncomingHttpHeaders | OutgoingHttpHeaders): void {
  const connection = headers.connection;
  if (connection !== undefined) {
    const named = Array.isArray(connection) ? connection.join(",") : String(connection);
    if (named !== "keep-alive" && named !== "close") {
      for (const token of named.split(",")) {
        const name = token.trim().toLowerCase();
        if (name !== "") delete headers[name];
      }
    }
  }
  for (let i = 0; i < HOP_BY_HOP.length; i++) {
    if (headers[HOP_BY_HOP[i]!] !== undefined) delete headers[HOP_BY_HOP[i]!];
  }
}

export function hopByHopLayer(): Layer {
  return (next) =>
    async function hopByHopHandler(ctx) {
      stripHopByHop(ctx.headers);
      if (ctx.headers.expect !== undefined) delete ctx.headers.expect;
      const response = await next(ctx);
      stripHopByHop(response.headers);
      return response;
    };
}
