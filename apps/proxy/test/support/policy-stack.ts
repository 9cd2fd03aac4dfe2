// The policy layers over a scripted upstream, for unit tests of one behaviour: a snapshot built by
// the real translators from Envoy-shaped resources (one service cluster "svc.ns" with endpoints on
// the given ports, one route), a fake clock, and a forward() that answers as the test says.
import { createFakeClock, type FakeClock } from "@weft/test-kit";
import { composeLayers, type Handler, type ProxyResponse } from "../../src/core/layer";
import { localReplyLayer } from "../../src/layers/local-reply";
import { routeLayer } from "../../src/layers/route";
import { policyLayers } from "../../src/layers/policy-layers";
import { Readable } from "node:stream";
import { EXTERNAL, RequestContext, UNKNOWN } from "../../src/core/request-context";
import type { ConfigSnapshot } from "../../src/core/runtime-config";
import { makeContext, snapshotFrom } from "./runtime";
import { assignment, edsCluster, listener } from "./xds-fixtures";
import { routerFilter } from "./policy-fixtures";

export interface Call {
  port: number;
  attempt: number;
  path: string;
  headers: RequestContext["headers"];
  body: Buffer | null;
  ctx: RequestContext;
}

export interface PolicyStack {
  clock: FakeClock;
  config: ConfigSnapshot;
  handler: Handler;
  calls: Call[];
  shadows: Array<{ cluster: string; status: number }>;
  send(init?: { path?: string; method?: string; headers?: Record<string, string>; body?: Buffer }): { ctx: RequestContext; done: Promise<ProxyResponse> };
}

export const reply = (status: number, headers: Record<string, string> = {}): ProxyResponse => ({ status, headers: { ...headers }, body: null });

/** Lets pending promise callbacks run (a layer awaiting a resolved attempt, then arming a timer). */
export const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

export function policyStack(opts: {
  route?: Record<string, unknown>;
  vhost?: Record<string, unknown>;
  cluster?: Record<string, unknown>;
  ports?: number[];
  extraClusters?: Array<{ name: string; ports: number[] }>;
  httpFilters?: Array<Record<string, unknown>>;
  random?: () => number;
  upstream: (call: Call) => ProxyResponse | Promise<ProxyResponse>;
}): PolicyStack {
  const clock = createFakeClock(0);
  const random = opts.random ?? (() => 0);
  const ports = opts.ports ?? [1001];
  const l = listener("weft.outbound", "127.0.0.1", 15001) as any;
  l.filter_chains[0].filters[0].typed_config.http_filters = opts.httpFilters ?? [routerFilter];
  const config = snapshotFrom({
    clusters: [{ ...edsCluster("svc.ns"), ...opts.cluster }, ...(opts.extraClusters ?? []).map((c) => edsCluster(c.name))],
    endpoints: [assignment("svc.ns", ports.map((port) => ({ port }))), ...(opts.extraClusters ?? []).map((c) => assignment(c.name, c.ports.map((port) => ({ port }))))],
    listeners: [l],
    routes: [
      {
        name: "weft.outbound",
        virtual_hosts: [{ name: "svc.ns", domains: ["svc"], routes: [{ name: "r", match: { prefix: "/" }, route: { cluster: "svc.ns" }, ...opts.route }], ...opts.vhost }],
      },
    ],
    random,
  });
  const calls: Call[] = [];
  const shadows: PolicyStack["shadows"] = [];
  const forward: Handler = async (ctx) => {
    const body = ctx.requestBody;
    const call: Call = { port: ctx.endpoint!.port, attempt: ctx.attempts, path: ctx.path, headers: { ...ctx.headers }, body: Buffer.isBuffer(body) ? body : null, ctx };
    calls.push(call);
    return opts.upstream(call);
  };
  const handler = composeLayers(
    [localReplyLayer(), routeLayer({ listener: "outbound" }), ...policyLayers({ clock, random, forward, onShadowDone: (cluster, status) => shadows.push({ cluster, status }) })],
    forward,
  );
  return {
    clock,
    config,
    handler,
    calls,
    shadows,
    send(init = {}) {
      const headers = { host: "svc", ...init.headers };
      const ctx =
        init.body === undefined
          ? makeContext({ config, authority: "svc", path: init.path ?? "/", method: init.method ?? "GET", headers })
          : new RequestContext("outbound", config, Readable.from([init.body]), init.method ?? "POST", "svc", init.path ?? "/", { ...headers, "content-length": String(init.body.length) }, true, EXTERNAL, UNKNOWN, 0);
      return { ctx, done: handler(ctx) };
    },
  };
}
