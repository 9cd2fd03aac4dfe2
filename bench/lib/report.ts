// Turns per-run samples into the printed result: medians across runs, ratios against the direct
// path and nginx, the targets of issue 3 with PASS/MISS, and the conditions of the run.
import type { Conditions } from "./proc-stats";

export type TargetKey = "direct" | "nginx" | "weft" | "weft-traced" | "nginx-mtls" | "weft-mtls";

export const LABELS: Record<TargetKey, string> = {
  direct: "direct (wrk → nginx upstream)",
  nginx: "nginx reverse proxy (1 hop)",
  weft: "Weft sidecar (1 hop, plaintext)",
  "weft-traced": "Weft sidecar, every request traced + access-logged",
  "nginx-mtls": "nginx → nginx (mTLS)",
  "weft-mtls": "Weft sidecar → sidecar (mTLS)",
};

/** The baseline each proxy is compared with. */
export const BASELINE: Partial<Record<TargetKey, TargetKey>> = { weft: "nginx", "weft-traced": "nginx", "weft-mtls": "nginx-mtls" };

/** One target measured once. CPU figures are in cores (1 = one core busy all the time). */
export interface Sample {
  maxRps: number;
  maxErrors: number;
  /** Proxy CPU during the throughput run, cores (sum over the proxy's processes). */
  cpuAtMax: number;
  /** Other processes' use of the proxy's core during the throughput run, share of it. */
  foreignOnProxyCore: number;
  rssLoadMiB: number;
  p50: number;
  p99: number;
  p999: number;
  /** Same run's direct p50/p99, for the added latency. */
  addedP50: number;
  addedP99: number;
  fixedErrors: number;
  achievedRate: number;
  /** Proxy CPU at the fixed rate, cores per 1000 req/s. */
  cpuPer1k: number;
  /** Share of that CPU the kernel's (utime / stime; 10 ms ticks, so ±1 – 2 points at 1000 req/s). */
  kernelShare: number;
  /** Share of all cores other tenants kept busy just before the measurements (NaN: not sampled). */
  busyBefore: number;
  /** During the fixed-rate phase: time the proxy's threads (summed) / the generator waited for a CPU, per unit of time. */
  proxyWaitShare: number;
  generatorWaitShare: number;
  /** How late the generator sent requests (p99), ms. */
  sendLagP99Ms: number;
  /** Fixed-rate attempts made (more than one when the machine disturbed the first). */
  fixedAttempts: number;
}

export interface Results {
  runs: Map<TargetKey, Sample[]>;
  /** The proxy's RSS 3 s after start, before any load (start-up garbage included). */
  startRssMiB: Map<TargetKey, number>;
  /** The proxy's RSS idle: 30 s without traffic after start (the issue's "RSS idle"). */
  idleRssMiB: Map<TargetKey, number>;
  /** The proxy's idle RSS once more, 30 s after every run (steady state after load). */
  idleRssAfterMiB: Map<TargetKey, number>;
}

export function median(xs: number[]): number {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

const med = (samples: Sample[], f: (s: Sample) => number) => median(samples.map(f));
const perCore = (s: Sample) => (s.cpuAtMax > 0 ? s.maxRps / s.cpuAtMax : NaN);

const fmt = {
  int: (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "—"),
  ms: (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "—"),
  plusMs: (x: number) => (Number.isFinite(x) ? `${x >= 0 ? "+" : ""}${x.toFixed(3)}` : "—"),
  ratio: (x: number) => (Number.isFinite(x) ? `${x.toFixed(2)}×` : "—"),
  cores: (x: number) => (Number.isFinite(x) ? x.toFixed(3) : "—"),
  mib: (x: number) => (Number.isFinite(x) ? x.toFixed(1) : "—"),
  pct: (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(0)} %` : "—"),
  pct1: (x: number) => (Number.isFinite(x) ? `${(x * 100).toFixed(1)} %` : "—"),
};

export interface Summary {
  key: TargetKey;
  maxRps: number;
  cpuAtMax: number;
  perCore: number;
  p50: number;
  p99: number;
  addedP50: number;
  addedP99: number;
  cpuPer1k: number;
  kernelShare: number;
  rssStart: number;
  rssIdle: number;
  rssIdleAfter: number;
  rssLoad: number;
  errors: number;
  foreign: number;
  proxyWait: number;
  generatorWait: number;
}

export function summarise(results: Results): Summary[] {
  const out: Summary[] = [];
  for (const [key, samples] of results.runs) {
    out.push({
      key,
      maxRps: med(samples, (s) => s.maxRps),
      cpuAtMax: med(samples, (s) => s.cpuAtMax),
      perCore: med(samples, perCore),
      p50: med(samples, (s) => s.p50),
      p99: med(samples, (s) => s.p99),
      addedP50: med(samples, (s) => s.addedP50),
      addedP99: med(samples, (s) => s.addedP99),
      cpuPer1k: med(samples, (s) => s.cpuPer1k),
      kernelShare: med(samples, (s) => s.kernelShare),
      rssStart: results.startRssMiB.get(key) ?? NaN,
      rssIdle: results.idleRssMiB.get(key) ?? NaN,
      rssIdleAfter: results.idleRssAfterMiB.get(key) ?? NaN,
      rssLoad: med(samples, (s) => s.rssLoadMiB),
      errors: samples.reduce((a, s) => a + s.maxErrors + s.fixedErrors, 0),
      foreign: Math.max(...samples.map((s) => s.foreignOnProxyCore)),
      proxyWait: med(samples, (s) => s.proxyWaitShare),
      generatorWait: med(samples, (s) => s.generatorWaitShare),
    });
  }
  return out;
}

export interface RunInfo {
  runs: number;
  seconds: number;
  connections: number;
  rate: number;
  latencySeconds: number;
  conditions: Conditions;
  backgroundBefore: number;
  loadStart: string;
  loadEnd: string;
  /** Every sample's busyBefore. */
  busyBefore: number[];
  /** Every sample's generator send lag p99, ms. */
  sendLagP99: number[];
  nice: number;
  /** Extra node flags the sidecars ran with (--node-args), if any. */
  nodeArgs: string[];
  /** Measurements whose fixed-rate phase was repeated because the machine disturbed it, of all. */
  retried: number;
  measurements: number;
}

export function printReport(summary: Summary[], info: RunInfo): { pass: boolean } {
  const by = new Map(summary.map((s) => [s.key, s]));
  const direct = by.get("direct");
  const lines: string[] = [];
  const row = (cells: string[]) => lines.push(`| ${cells.join(" | ")} |`);

  lines.push(`\n## Throughput — wrk, 1 thread, ${info.connections} connections, ${info.seconds} s, 1 KiB responses (median of ${info.runs} runs)\n`);
  row(["path", "req/s", "× direct", "proxy CPU (cores)", "req/s per proxy core", "× nginx (per core)", "proxy RSS under load (MiB)"]);
  row(["---", "---:", "---:", "---:", "---:", "---:", "---:"]);
  for (const s of summary) {
    const base = BASELINE[s.key] ? by.get(BASELINE[s.key]!) : undefined;
    row([
      LABELS[s.key],
      fmt.int(s.maxRps),
      direct ? fmt.ratio(s.maxRps / direct.maxRps) : "—",
      s.key === "direct" ? "—" : fmt.cores(s.cpuAtMax),
      s.key === "direct" ? "—" : fmt.int(s.perCore),
      base ? fmt.ratio(s.perCore / base.perCore) : "—",
      s.key === "direct" ? "—" : fmt.mib(s.rssLoad),
    ]);
  }

  lines.push(`\n## Latency and cost at a fixed ${info.rate} req/s — open-loop generator, ${info.latencySeconds} s (median of ${info.runs} runs)\n`);
  row(["path", "p50 (ms)", "p99 (ms)", "added p50 (ms)", "added p99 (ms)", "proxy vCPU per 1000 req/s", "× nginx", "of it in the kernel", "RSS 3 s after start (MiB)", "RSS idle (MiB)", "RSS idle after load (MiB)", "run-queue wait: proxy / generator"]);
  row(["---", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:", "---:"]);
  for (const s of summary) {
    const base = BASELINE[s.key] ? by.get(BASELINE[s.key]!) : undefined;
    const proxy = s.key !== "direct";
    row([
      LABELS[s.key],
      fmt.ms(s.p50),
      fmt.ms(s.p99),
      proxy ? fmt.plusMs(s.addedP50) : "—",
      proxy ? fmt.plusMs(s.addedP99) : "—",
      proxy ? fmt.cores(s.cpuPer1k) : "—",
      base ? fmt.ratio(s.cpuPer1k / base.cpuPer1k) : "—",
      proxy ? fmt.pct(s.kernelShare) : "—",
      proxy ? fmt.mib(s.rssStart) : "—",
      proxy ? fmt.mib(s.rssIdle) : "—",
      proxy ? fmt.mib(s.rssIdleAfter) : "—",
      `${proxy ? fmt.pct1(s.proxyWait) : "—"} / ${fmt.pct1(s.generatorWait)}`,
    ]);
  }

  const checks: Array<[string, number, string, boolean]> = [];
  const weft = by.get("weft");
  const mtls = by.get("weft-mtls");
  if (weft) {
    checks.push(["1 hop: throughput per proxy core ≥ 25 000 req/s", weft.perCore, fmt.int(weft.perCore), weft.perCore >= 25_000]);
    checks.push(["1 hop: added p50 at 1000 req/s ≤ +0.3 ms", weft.addedP50, fmt.plusMs(weft.addedP50), weft.addedP50 <= 0.3]);
    checks.push(["1 hop: added p99 at 1000 req/s ≤ +0.6 ms", weft.addedP99, fmt.plusMs(weft.addedP99), weft.addedP99 <= 0.6]);
    checks.push(["1 hop: CPU ≤ 0.10 vCPU per 1000 req/s", weft.cpuPer1k, fmt.cores(weft.cpuPer1k), weft.cpuPer1k <= 0.1]);
    const idleMB = (weft.rssIdle * 1048576) / 1e6; // the target is in MB, /proc reports KiB
    checks.push(["1 hop: RSS idle (30 s without traffic) ≤ 64 MB", weft.rssIdle, `${fmt.mib(weft.rssIdle)} MiB = ${idleMB.toFixed(1)} MB`, idleMB <= 64]);
  }
  if (mtls) checks.push(["mTLS (both sidecars): CPU ≤ 0.20 vCPU per 1000 req/s", mtls.cpuPer1k, fmt.cores(mtls.cpuPer1k), mtls.cpuPer1k <= 0.2]);
  if (checks.length > 0) {
    lines.push("\n## Targets (issue 3)\n");
    row(["target", "measured", "result"]);
    row(["---", "---:", "---"]);
    for (const [name, , shown, ok] of checks) row([name, shown, ok ? "PASS" : "**MISS**"]);
  }

  const traced = by.get("weft-traced");
  if (weft && traced) {
    lines.push("\n## Telemetry cost (issue 4) — the same hop with metrics and 1 % trace sampling (the defaults) and with every request traced (OTLP to the controller) and access-logged (JSON to a file)\n");
    row(["figure", "defaults", "all traced + logged", "change"]);
    row(["---", "---:", "---:", "---:"]);
    const change = (a: number, b: number) => (Number.isFinite(a) && Number.isFinite(b) && a !== 0 ? `${b >= a ? "+" : ""}${(((b - a) / a) * 100).toFixed(0)} %` : "—");
    const cpuPerReqUs = (s: Summary) => s.cpuPer1k * 1000; // cores per 1000 req/s = ms of CPU per 1000 requests → µs per request
    row(["max req/s (1 proxy core)", fmt.int(weft.maxRps), fmt.int(traced.maxRps), change(weft.maxRps, traced.maxRps)]);
    row(["req/s per proxy core", fmt.int(weft.perCore), fmt.int(traced.perCore), change(weft.perCore, traced.perCore)]);
    row([`p50 at ${info.rate} req/s (ms)`, fmt.ms(weft.p50), fmt.ms(traced.p50), change(weft.p50, traced.p50)]);
    row([`p99 at ${info.rate} req/s (ms)`, fmt.ms(weft.p99), fmt.ms(traced.p99), change(weft.p99, traced.p99)]);
    row(["proxy CPU per request (µs)", fmt.int(cpuPerReqUs(weft)), fmt.int(cpuPerReqUs(traced)), change(weft.cpuPer1k, traced.cpuPer1k)]);
  }

  const c = info.conditions;
  lines.push("\n## Conditions\n");
  lines.push(`- CPU: ${c.cpuModel}, ${c.cores} cores; kernel ${c.kernel}`);
  lines.push("- proxy processes pinned to core 0 (taskset); load generators, upstream nginx, controller and harness on core 1");
  lines.push(`- versions: Node ${c.node}, nginx ${c.nginx}, ${c.wrk}, ${c.openssl}; Weft ${c.weftCommit} (sidecar bundle ${c.proxyBundle})`);
  lines.push(`- machine load: ${fmt.pct(info.backgroundBefore)} of all cores busy before the run (other tenants); load average ${info.loadStart} at start, ${info.loadEnd} at the end`);
  const before = info.busyBefore.filter((x) => Number.isFinite(x));
  if (before.length > 0) lines.push(`- machine busy (other tenants) just before each measurement: median ${fmt.pct(median(before))}, worst ${fmt.pct(Math.max(...before))} (waited for ≤ 20 %)`);
  const worst = Math.max(...summary.filter((s) => s.key !== "direct").map((s) => s.foreign));
  lines.push(`- other processes on the proxy core during throughput runs: at most ${fmt.pct(worst)} of it`);
  const lag = Math.max(...info.sendLagP99.filter((x) => Number.isFinite(x)));
  lines.push(
    `- run-queue wait (last column): time the proxy's threads and the load generator were runnable but waited for a CPU held by another process, per second measured — it adds directly to latency; above ~1 % the p99 figures say more about the machine than about the proxy. Generator send lag p99 at most ${fmt.ms(lag)} ms`,
  );
  lines.push(
    "- \"of it in the kernel\": the proxy's system time over its user + system time at the fixed rate (/proc, 10 ms ticks): system calls, and the loopback TCP stack a send runs, waking the receiver included",
  );
  if (info.retried > 0) lines.push(`- ${info.retried} of ${info.measurements} fixed-rate measurements were repeated because the run-queue wait exceeded 5 %; the least disturbed attempt is reported`);
  if (info.nodeArgs.length > 0) lines.push(`- the sidecars ran with extra node flags: \`${info.nodeArgs.join(" ")}\``);
  if (info.nice !== 0) lines.push(`- during the fixed-rate phase the proxies, the upstream and the generator ran at nice ${info.nice}`);
  const errs = summary.filter((s) => s.errors > 0);
  lines.push(errs.length === 0 ? "- errors: none (every answer 200 with the 1 KiB body)" : `- **errors**: ${errs.map((s) => `${LABELS[s.key]} ${s.errors}`).join(", ")}`);
  console.log(lines.join("\n") + "\n");
  return { pass: checks.every(([, , , ok]) => ok) };
}
