// Route header mutation: request_headers_to_add/remove before forwarding, response_headers_to_add/
// remove on the upstream's response (route, then virtual host, then route configuration level).
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from "node:http";
import type { Layer, ProxyResponse } from "../core/layer";
import type { RequestContext } from "../core/request-context";
import type { HeaderOp } from "../core/traffic-policy";

export function applyHeaderOps(headers: IncomingHttpHeaders | OutgoingHttpHeaders, ops: readonly HeaderOp[]): void {
  const h = headers as Record<string, string | string[] | number | undefined>;
  for (let i = 0; i < ops.length; i++) {
    const { op, name, value } = ops[i]!;
    const existing = h[name];
    switch (op) {
      case "remove":
        delete h[name];
        break;
      case "set":
        h[name] = value;
        break;
      case "set_if_exists":
        if (existing !== undefined) h[name] = value;
        break;
      case "add_if_absent":
        if (existing === undefined) h[name] = value;
        break;
      case "append":
        if (existing === undefined) h[name] = value;
        else if (Array.isArray(existing)) existing.push(value);
        // Request headers travel joined (Node's IncomingHttpHeaders); set-cookie stays a list.
        else h[name] = name === "set-cookie" ? [String(existing), value] : `${existing},${value}`;
        break;
    }
  }
}

export function headerMutationLayer(): Layer {
  return (next) => {
    async function mutateResponse(ctx: RequestContext, ops: readonly HeaderOp[]): Promise<ProxyResponse> {
      const response = await next(ctx);
      applyHeaderOps(response.headers, ops);
      return response;
    }
    return function headerMutationHandler(ctx) {
      const policy = ctx.route!.policy;
      if (policy.requestHeaders.length > 0) applyHeaderOps(ctx.headers, policy.requestHeaders);
      // Most routes mutate nothing on the way back: no extra promise for them.
      return policy.responseHeaders.length > 0 ? mutateResponse(ctx, policy.responseHeaders) : next(ctx);
    };
  };
}
