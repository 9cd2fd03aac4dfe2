// Outermost layer of both stacks: turns a ProxyError thrown anywhere below into the local reply
// `{code, message}` + `x-weft-error`. Unexpected errors propagate (the exchange answers 500).
import type { Layer } from "../core/layer";
import { isProxyError } from "../core/errors";
import { localReply } from "../core/local-reply";

export function localReplyLayer(): Layer {
  return (next) =>
    async function localReplyHandler(ctx) {
      try {
        return await next(ctx);
      } catch (err) {
        if (!isProxyError(err)) throw err;
        return localReply(ctx, err.code, err.message, err.status);
      }
    };
}
