// route.prefix_rewrite: the matched prefix (or, for an exact `path` match, the whole path) is
// replaced before forwarding; the query string is kept. `/api/v1/x?y` with prefix `/api/v1` and
// rewrite `/v2` -> `/v2/x?y`.
import type { Layer } from "../core/layer";

export function pathRewriteLayer(): Layer {
  return (next) =>
    function pathRewriteHandler(ctx) {
      const route = ctx.route!;
      const rewrite = route.policy.prefixRewrite;
      if (rewrite !== undefined) {
        const matched = route.path.value.length; // prefix or exact path: its length in the request path
        ctx.path = rewrite + ctx.path.slice(matched);
        // `/` + `?q` stays a valid origin-form target.
        if (ctx.path === "" || ctx.path.charCodeAt(0) === 63 /* ? */) ctx.path = "/" + ctx.path;
      }
      return next(ctx);
    };
}
