// Cost of the traffic-policy layers per request, without sockets: the route layer plus
// policyLayers() over a terminal that answers at once, for a plain route (Envoy's default 15 s
// timeout only) and a route with retries, header mutation and a rate limit. Prints a table.
// Run: npx tsx bench/policy-layers.bench.ts [requests=200000]
import { composeLayers, type Handler, type Layer } from "../src/core/layer";
import { systemClock } from "../src/core/clock";
import { routeLayer } from "../src/layers/route";
import { policyLayers } from "../src/layers/policy-layers";
import { makeContext, snapshotFrom } from "../test/support/runtime";
import { assignment, edsCluster, listener } from "../test/support/xds-fixtures";
import { policyFilters, rateLimitConfig } from "../test/support/policy-fixtures";

const n = Number(process.argv[2] ?? 200_000);
const l = listener("weft.outbound", "127.0.0.1", 15001) as any;
l.filter_chains[0].filters[0].typed_config.http_filters = policyFilters();
const config = snapshotFrom({
  clusters: [edsCluster("svc.ns")],
  endpoints: [assignment("svc.ns", [{ port: 1 }, { port: 2 }, { port: 3 }])],
  listeners: [l],
  routes: [
    {
      name: "weft.outbound",
      virtual_hosts: [
        {
          name: "svc.ns",
          domains: ["svc"],
          routes: [
            {
              name: "busy",
              match: { prefix: "/busy" },
              request_headers_to_add: [{ header: { key: "x-a", value: "1" }, append_action: "OVERWRITE_IF_EXISTS_OR_ADD" }],
              route: { cluster: "svc.ns", retry_policy: { retry_on: "5xx", num_retries: { value: 2 } } },
              typed_per_filter_config: { "envoy.filters.http.local_ratelimit": rateLimitConfig(1e9, 1000) },
            },
            { name: "no-timeout", match: { prefix: "/untimed" }, route: { cluster: "svc.ns", timeout: { seconds: 0 } } },
            { name: "plain", match: { prefix: "/" }, route: { cluster: "svc.ns" } },
          ],
        },
      ],
    },
  ],
  random: Math.random,
});
const ok = { status: 200, headers: {}, body: null };
const terminal: Handler = async () => ({ ...ok, headers: {} });

async function run(layers: Layer[], path: string): Promise<number> {
  const handler = composeLayers(layers, terminal);
  for (let i = 0; i < 10_000; i++) await handler(makeContext({ config, authority: "svc", path }));
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await handler(makeContext({ config, authority: "svc", path }));
  return ((performance.now() - t0) * 1e6) / n;
}

const route = routeLayer({ listener: "outbound" });
const rows: Array<[string, number]> = [
  ["route layer only", await run([route], "/")],
  ["+ policy layers, plain route, timeout 0", await run([route, ...policyLayers({ clock: systemClock, random: Math.random, forward: terminal })], "/untimed")],
  ["+ policy layers, plain route (15 s timeout)", await run([route, ...policyLayers({ clock: systemClock, random: Math.random, forward: terminal })], "/")],
  ["+ policy layers, retries + headers + rate limit", await run([route, ...policyLayers({ clock: systemClock, random: Math.random, forward: terminal })], "/busy")],
];
console.log("| stack | ns / request |\n|---|---|");
for (const [name, ns] of rows) console.log(`| ${name} | ${ns.toFixed(0)} |`);
console.log(`\n${n} requests each, terminal answers at once (${process.version})`);
