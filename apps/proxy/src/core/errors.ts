// Errors the data path raises as values with stable codes (@weft/contracts ErrorCode). Layers throw
// a ProxyError; the local-reply layer turns it into `{code, message}` + `x-weft-error`.
import { ErrorCode } from "@weft/contracts";

/** HTTP status of each locally generated reply. */
const STATUS: Partial<Record<ErrorCode, number>> = {
  [ErrorCode.NoConfig]: 503,
  [ErrorCode.RouteNotFound]: 404,
  [ErrorCode.ClusterNotFound]: 503,
  [ErrorCode.NoHealthyEndpoint]: 503,
  [ErrorCode.UpstreamConnectFailed]: 503,
  [ErrorCode.UpstreamReset]: 503,
  [ErrorCode.UpstreamTimeout]: 504,
  [ErrorCode.CircuitOpen]: 503,
  [ErrorCode.RateLimited]: 429,
  [ErrorCode.Validation]: 400,
  [ErrorCode.Internal]: 500,
};

export class ProxyError extends Error {
  readonly status: number;
  constructor(
    readonly code: ErrorCode,
    message: string,
    status?: number,
  ) {
    super(message);
    this.name = "ProxyError";
    this.status = status ?? STATUS[code] ?? 500;
  }
}

export function isProxyError(err: unknown): err is ProxyError {
  return err instanceof ProxyError;
}

/** An Error with a stable `code` (as Node's own errors carry), for transport failures mapped later. */
export function codedError(message: string, code: string): Error & { code: string } {
  return Object.assign(new Error(message), { code });
}
