// The request's consistent-hash key for ring-hash clusters, from the route's hash_policy: a header
// value or a cookie; policies combine (rotate-xor) until a terminal one produced a value. A cookie
// policy with a ttl whose cookie is absent generates one (as Envoy) and sets it on the response,
// so the client sticks to the same host from its next request on.
import type { Layer, ProxyResponse } from "../core/layer";
import type { HashPolicy } from "../core/traffic-policy";
import type { RequestContext } from "../core/request-context";
import { hash32 } from "../balance/ring-hash";
import { headerValue } from "../routing/request-view";

export function cookieValue(header: string | string[] | undefined, name: string): string | undefined {
  if (header === undefined) return undefined;
  const all = typeof header === "string" ? header : header.join("; ");
  for (const part of all.split(";")) {
    const eq = part.indexOf("=");
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

function cookieHeader(p: HashPolicy, value: string): string {
  return `${p.name}=${value}` + (p.cookieTtlSeconds! > 0 ? `; Max-Age=${p.cookieTtlSeconds}` : "") + (p.cookiePath ? `; Path=${p.cookiePath}` : "") + "; HttpOnly";
}

export function hashPolicyLayer(params: { random: () => number }): Layer {
  const random = params.random;
  const newCookieValue = () => Math.floor(random() * 0x100000000).toString(16).padStart(8, "0") + Math.floor(random() * 0x100000000).toString(16).padStart(8, "0");
  return (next) => {
    async function withCookie(ctx: RequestContext, setCookie: string): Promise<ProxyResponse> {
      const response = await next(ctx);
      const existing = response.headers["set-cookie"];
      response.headers["set-cookie"] = existing === undefined ? setCookie : Array.isArray(existing) ? [...existing, setCookie] : [String(existing), setCookie];
      return response;
    }
    return function hashPolicyHandler(ctx: RequestContext) {
      const policies = ctx.route!.policy.hashPolicies;
      if (policies.length === 0 || ctx.cluster?.config.lbPolicy !== "ring_hash") return next(ctx);
      let hash: number | undefined;
      let setCookie: string | undefined;
      for (let i = 0; i < policies.length; i++) {
        const p = policies[i]!;
        let value = p.kind === "header" ? headerValue(ctx, p.name) : cookieValue(ctx.headers.cookie, p.name);
        if (value === undefined && p.kind === "cookie" && p.cookieTtlSeconds !== undefined && setCookie === undefined) {
          value = newCookieValue();
          setCookie = cookieHeader(p, value);
        }
        if (value === undefined) continue;
        const h = hash32(value);
        hash = hash === undefined ? h : (((hash << 1) | (hash >>> 31)) ^ h) >>> 0;
        if (p.terminal) break;
      }
      if (hash !== undefined) ctx.hash = hash;
      return setCookie === undefined ? next(ctx) : withCookie(ctx, setCookie);
    };
  };
}
