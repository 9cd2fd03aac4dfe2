// Caller identity between sidecars (pre-mTLS): outbound stamps `x-weft-source: svc.ns|ver`
// (overwriting whatever the app sent); inbound reads it into ctx.source and strips it before the
// app sees it. Absent -> "external"; malformed -> "unknown". Parsed identities are cached (bounded).
import { formatSourceIdentity, parseSourceIdentity, SidecarHeaders, type WorkloadIdentity } from "@weft/contracts";
import type { Layer } from "../core/layer";
import { EXTERNAL, UNKNOWN } from "../core/request-context";

export type SourceIdentityParams = { mode: "stamp"; self: WorkloadIdentity } | { mode: "read"; cacheSize?: number };

export function sourceIdentityLayer(params: SourceIdentityParams): Layer {
  const header = SidecarHeaders.source;
  if (params.mode === "stamp") {
    const value = formatSourceIdentity(params.self);
    return (next) =>
      function stampSource(ctx) {
        ctx.headers[header] = value;
        return next(ctx);
      };
  }
  const cacheSize = params.cacheSize ?? 1024;
  const cache = new Map<string, WorkloadIdentity>();
  return (next) =>
    function readSource(ctx) {
      const raw = ctx.headers[header];
      if (raw === undefined) {
        ctx.source = EXTERNAL;
      } else {
        delete ctx.headers[header];
        const value = typeof raw === "string" ? raw : (raw[0] ?? "");
        let id = cache.get(value);
        if (id === undefined) {
          id = parseSourceIdentity(value) ?? UNKNOWN;
          if (cache.size >= cacheSize) cache.clear();
          cache.set(value, id);
        }
        ctx.source = id;
      }
      return next(ctx);
    };
}
