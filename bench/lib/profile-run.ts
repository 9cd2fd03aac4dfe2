// `npm run bench -- --profile`: the sidecars run with node --cpu-prof; the load goes through them in
// three windows — one hop saturated (wrk), one hop at the fixed rate (open-loop), mTLS saturated —
// then the sidecars stop (which writes the profiles) and each window is analysed (cpu-profile.ts).
import { readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { analyse, formatAnalysis } from "./cpu-profile";
import { BODY_PATH } from "./nginx";
import { runOpenLoop } from "./open-loop";
import type { ProcessGroup } from "./processes";
import { mainThreadCpuSeconds } from "./proc-stats";
import { LOAD_CPU, type Topology } from "./topology";
import { runWrk } from "./wrk";

const nowUs = () => Number(process.hrtime.bigint() / 1000n);

interface Window {
  title: string;
  who: "client" | "server";
  startUs: number;
  endUs: number;
  requests: number;
  /** The sidecar main thread's CPU time in the window (/proc), s: the profile's samples are
   *  wall-clock (they also count time the thread was runnable but preempted), so µs per request
   *  come from this; the profiler's own sampling thread is excluded. */
  cpuSeconds: number;
}

export async function runProfile(o: { group: ProcessGroup; topology: Topology; root: string; repoRoot: string; seconds: number; rate: number; connections: number }): Promise<void> {
  const mesh = o.topology.mesh;
  const hop = o.topology.targets.find((t) => t.key === "weft");
  const mtls = o.topology.targets.find((t) => t.key === "weft-mtls");
  if (!mesh || !hop) throw new Error("--profile needs the weft path (--only weft[,weft-mtls])");
  const windows: Window[] = [];
  const wrk = (port: number, host: string, seconds: number) =>
    runWrk(o.group, { url: `http://127.0.0.1:${port}${BODY_PATH}`, hostHeader: host, connections: o.connections, seconds, cpu: LOAD_CPU });

  const client = mesh.client.pid;
  const server = mesh.server.pid;
  const cpuSeconds = mainThreadCpuSeconds;
  console.log("profiling: warm-up …");
  await wrk(hop.port, hop.hostHeader, 3);
  let start = nowUs();
  let cpu = cpuSeconds(client);
  const sat = await wrk(hop.port, hop.hostHeader, o.seconds);
  windows.push({ title: `1 hop, plaintext, saturated (wrk, ${o.connections} connections): client sidecar`, who: "client", startUs: start, endUs: nowUs(), requests: sat.requests, cpuSeconds: cpuSeconds(client) - cpu });
  console.log(`1 hop saturated: ${Math.round(sat.requestsPerSecond)} req/s`);

  const measured = { startUs: 0, endUs: 0, cpuSeconds: 0 };
  const fixed = await runOpenLoop({
    port: hop.port,
    path: BODY_PATH,
    hostHeader: hop.hostHeader,
    rate: o.rate,
    durationMs: o.seconds * 1000,
    warmupMs: 1000,
    maxConnections: 256,
    onMeasure: (phase) => {
      if (phase === "start") {
        measured.startUs = nowUs();
        measured.cpuSeconds = cpuSeconds(client);
      } else {
        measured.endUs = nowUs();
        measured.cpuSeconds = cpuSeconds(client) - measured.cpuSeconds;
      }
    },
  });
  windows.push({ title: `1 hop, plaintext, ${o.rate} req/s (open loop): client sidecar`, who: "client", ...measured, requests: fixed.latenciesMs.length });
  console.log(`1 hop at ${o.rate} req/s: ${fixed.latenciesMs.length} answers, ${fixed.errors} errors`);

  if (mtls) {
    await wrk(mtls.port, mtls.hostHeader, 3);
    start = nowUs();
    cpu = cpuSeconds(client);
    const serverCpu = cpuSeconds(server);
    const m = await wrk(mtls.port, mtls.hostHeader, o.seconds);
    const end = nowUs();
    windows.push({ title: "sidecar → sidecar, mTLS, saturated (wrk): client sidecar", who: "client", startUs: start, endUs: end, requests: m.requests, cpuSeconds: cpuSeconds(client) - cpu });
    windows.push({ title: "sidecar → sidecar, mTLS, saturated (wrk): server sidecar", who: "server", startUs: start, endUs: end, requests: m.requests, cpuSeconds: cpuSeconds(server) - serverCpu });
    console.log(`mTLS saturated: ${Math.round(m.requestsPerSecond)} req/s`);
  }

  // SIGTERM: the sidecars drain and exit, and node writes each profile on exit.
  await o.group.stopAll(15_000);
  const dir = join(o.root, "profiles");
  const files = readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"));
  const fileOf = (pid: number) => {
    const f = files.find((name) => name.split(".")[3] === String(pid));
    if (!f) throw new Error(`no CPU profile for pid ${pid} in ${dir} (found: ${files.join(", ") || "none"})`);
    return join(dir, f);
  };
  const bundle = join(o.repoRoot, "apps/proxy/dist/main.js");
  const report = [`## Sidecar CPU profile (node --cpu-prof, 200 µs sampling; profiles in ${dir})`];
  for (const w of windows) {
    const pid = w.who === "client" ? mesh.client.pid : mesh.server.pid;
    const a = analyse(fileOf(pid), bundle, w);
    if (a.totalMs === 0) throw new Error(`the profile of pid ${pid} has no samples in the window "${w.title}": clocks differ?`);
    report.push(formatAnalysis(w.title, a, w.requests, w.cpuSeconds));
  }
  const text = report.join("\n") + "\n";
  writeFileSync(join(dir, "report.md"), text);
  console.log(`\n${text}\n(also in ${join(dir, "report.md")})`);
}
