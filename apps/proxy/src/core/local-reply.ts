// Locally generated replies: JSON `{code, message}` with `x-weft-error: <code>`, recorded on the
// context for telemetry. The only place the data path serialises JSON (a few bytes, errors only).
import { SidecarHeaders, type ErrorCode } from "@weft/contracts";
import type { ProxyResponse } from "./layer";
import type { RequestContext } from "./request-context";

export function localReply(ctx: RequestContext, code: ErrorCode, message: string, status: number): ProxyResponse {
  ctx.errorCode = code;
  const body = Buffer.from(JSON.stringify({ code, message }));
  return {
    status,
    headers: {
      "content-type": "application/json",
      "content-length": body.length,
      [SidecarHeaders.error]: code,
    },
    body,
  };
}
