import { afterEach, describe, expect, it } from "vitest";
import { createFakeClock } from "@weft/test-kit";
import { createHealthChecking, type HealthChecking } from "./health-checker";
import { snapshotFrom } from "../../test/support/runtime";
import { assignment, edsCluster } from "../../test/support/xds-fixtures";
import { deferred, startServer, type TestServer } from "../../test/support/upstreams";

let servers: TestServer[] = [];
let checking: HealthChecking | undefined;
afterEach(async () => {
  await checking?.close();
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

/** An upstream whose /healthz answers `status.code`, counting probes. */
async function app() {
  const status = { code: 200, probes: 0, host: "" };
  const server = await startServer((req, res) => {
    if (req.url === "/healthz") {
      status.probes++;
      status.host = req.headers.host ?? "";
    }
    res.writeHead(req.url === "/healthz" ? status.code : 404).end();
  });
  servers.push(server);
  return { port: server.port, status };
}

const hc = { timeout: { seconds: 1 }, interval: { seconds: 5 }, healthy_threshold: { value: 2 }, unhealthy_threshold: { value: 2 }, http_health_check: { path: "/healthz" } };

describe("active health checking", () => {
  it("probes every interval on the clock; unhealthy_threshold failures take a host out, healthy_threshold successes bring it back", async () => {
    const a = await app();
    const b = await app();
    const clock = createFakeClock(0);
    const config = snapshotFrom({ clusters: [{ ...edsCluster("svc.ns"), health_checks: [hc] }], endpoints: [assignment("svc.ns", [{ port: a.port }, { port: b.port }])] });
    const cluster = config.clusters.get("svc.ns")!;
    const available = () => cluster.hostSet.available(clock.now()).map((h) => h.port).sort();
    checking = createHealthChecking({ clock, tls: () => undefined });
    checking.sync(config);
    await checking.settled();
    expect(a.status.probes).toBe(1); // probed at once
    expect(a.status.host).toBe("svc.ns"); // Host: the cluster name (Envoy default)
    b.status.code = 503;
    clock.advance(4_999);
    await checking.settled();
    expect(b.status.probes).toBe(1);
    clock.advance(1);
    await checking.settled();
    expect(available()).toEqual([a.port, b.port].sort()); // one failure: still in
    clock.advance(5_000);
    await checking.settled();
    expect(available()).toEqual([a.port]); // two consecutive failures: out
    b.status.code = 200;
    clock.advance(5_000);
    await checking.settled();
    expect(available()).toEqual([a.port]); // one success is not enough
    clock.advance(5_000);
    await checking.settled();
    expect(available()).toEqual([a.port, b.port].sort());
  });

  it("counts a probe that outlives its timeout as a failure, and stops probing hosts that left", async () => {
    const slow = await app();
    const reached = deferred();
    const hung = await startServer(() => reached.resolve()); // never answers
    servers.push(hung);
    const clock = createFakeClock(0);
    const config = snapshotFrom({
      clusters: [{ ...edsCluster("svc.ns"), health_checks: [{ ...hc, unhealthy_threshold: { value: 1 } }] }],
      endpoints: [assignment("svc.ns", [{ port: slow.port }, { port: hung.port }])],
    });
    const results: boolean[] = [];
    const slowChecked = deferred();
    checking = createHealthChecking({
      clock,
      tls: () => undefined,
      onProbe: (r) => (r.host.endsWith(`:${hung.port}`) ? results.push(r.healthy) : slowChecked.resolve()),
    });
    checking.sync(config);
    await Promise.all([reached.promise, slowChecked.promise]);
    clock.advance(1000);
    await checking.settled();
    expect(results).toEqual([false]);
    expect(config.clusters.get("svc.ns")!.hostSet.available(clock.now()).map((h) => h.port)).toEqual([slow.port]);
    // The cluster loses its health check: probing stops.
    checking.sync(snapshotFrom({ clusters: [edsCluster("svc.ns")], endpoints: [assignment("svc.ns", [{ port: slow.port }])] }));
    const before = slow.status.probes;
    clock.advance(60_000);
    await checking.settled();
    expect(slow.status.probes).toBe(before);
  });
});
