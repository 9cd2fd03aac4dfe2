// Requests/second and latency added by one sidecar hop (outbound, Host mode) against calling the
// echo upstream directly, same process, loopback, keep-alive. Prints a table; asserts nothing.
// Run: npx tsx bench/proxy-throughput.bench.ts [seconds=3] [concurrency=32]
import { Agent, request } from "undici";
import { startAdsTestServer, startEchoServer } from "@weft/test-kit";
import { TypeUrl } from "@weft/contracts/proto";
import { loadConfig } from "../src/env";
import { createSidecar } from "../src/sidecar";
import { setMesh } from "../test/support/xds-fixtures";

const seconds = Number(process.argv[2] ?? 3);
const concurrency = Number(process.argv[3] ?? 32);

async function load(url: string, headers: Record<string, string>): Promise<{ rps: number; p50: number; p99: number }> {
  const dispatcher = new Agent({ connections: concurrency });
  const latencies: number[] = [];
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const t0 = performance.now();
        const res = await request(url, { headers, dispatcher });
        await res.body.dump();
        latencies.push(performance.now() - t0);
      }
    }),
  );
  await dispatcher.close();
  latencies.sort((a, b) => a - b);
  const q = (p: number) => latencies[Math.floor(latencies.length * p)]!;
  return { rps: latencies.length / seconds, p50: q(0.5), p99: q(0.99) };
}

const ads = await startAdsTestServer();
const upstream = await startEchoServer({ service: "reviews", version: "v1" });
const sidecar = await createSidecar(
  loadConfig({ WEFT_SERVICE: "bench", WEFT_APP_PORT: "9", WEFT_INBOUND_PORT: "0", WEFT_OUTBOUND_PORT: "0", WEFT_ADMIN_PORT: "0", WEFT_CONTROLLER: ads.address, WEFT_LOG_LEVEL: "warn" }),
);
const v = setMesh(ads, {
  sidecar: { inboundPort: sidecar.ports.inbound, outboundPort: sidecar.ports.outbound, appPort: 9 },
  services: [{ name: "reviews", versions: { v1: [{ port: upstream.port }] } }],
});
await ads.waitForAck(TypeUrl.RouteConfiguration, v.rds);

const direct = await load(`${upstream.url}/`, {});
const proxied = await load(`http://127.0.0.1:${sidecar.ports.outbound}/`, { host: "reviews" });
console.log(`| path | req/s | p50 ms | p99 ms |\n|---|---|---|---|`);
for (const [name, r] of [["direct", direct], ["via sidecar", proxied]] as const) {
  console.log(`| ${name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} |`);
}
console.log(`\n${seconds}s each, concurrency ${concurrency}, client + sidecar + upstream in one process (${process.version})`);
await sidecar.close();
await Promise.all([ads.close(), upstream.close()]);
