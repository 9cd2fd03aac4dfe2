// What the kernel says about processes and cores: CPU time (/proc/<pid>/stat utime + stime, in
// clock ticks), resident memory (/proc/<pid>/status VmRSS), per-core busy time (/proc/stat), and
// the machine's conditions (CPU model, cores, load average, versions) printed with the results.
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cpus, loadavg, release, setPriority } from "node:os";

/** Clock ticks per second for /proc CPU times (almost always 100). */
export const CLK_TCK = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;

/** The process and its direct children (nginx: master + worker). */
export function withChildren(pid: number): number[] {
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim();
    return [pid, ...(kids ? kids.split(/\s+/).map(Number) : [])];
  } catch {
    return [pid];
  }
}

/** CPU seconds used so far by these processes, in user space and in the kernel (system calls, the
 *  network stack a send runs, waking the receiver). */
export function cpuTimes(pids: number[]): { user: number; system: number } {
  let user = 0;
  let system = 0;
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      // Fields after "comm" (which may contain spaces): state is [0], utime [11], stime [12].
      const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      user += Number(rest[11]);
      system += Number(rest[12]);
    } catch {
      // exited
    }
  }
  return { user: user / CLK_TCK, system: system / CLK_TCK };
}

/** CPU seconds (user + system) used so far by these processes. */
export function cpuSeconds(pids: number[]): number {
  const t = cpuTimes(pids);
  return t.user + t.system;
}

/** CPU seconds (user + system) of the process's main thread only (JS and the event loop). */
export function mainThreadCpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/task/${pid}/stat`, "utf8");
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(rest[11]) + Number(rest[12])) / CLK_TCK;
  } catch {
    return 0;
  }
}

/** Thread ids of the processes (nice and scheduler statistics are per thread on Linux). */
export function threadsOf(pids: number[]): number[] {
  const tids: number[] = [];
  for (const pid of pids) {
    try {
      for (const t of readdirSync(`/proc/${pid}/task`)) tids.push(Number(t));
    } catch {
      // exited
    }
  }
  return tids;
}

/**
 * Time the processes' threads spent runnable but waiting for a CPU (/proc/…/schedstat, second
 * field), ms: what other tenants of a shared machine add to a latency measurement.
 */
export function runQueueWaitMs(pids: number[]): number {
  let ns = 0;
  for (const pid of pids) {
    for (const tid of threadsOf([pid])) {
      try {
        ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[1]);
      } catch {
        // exited, or no schedstats in this kernel
      }
    }
  }
  return ns / 1e6;
}

/** Sets the nice value of every thread of the processes (lowering it needs root). */
export function renice(pids: number[], nice: number): void {
  for (const tid of threadsOf(pids)) {
    try {
      setPriority(tid, nice);
    } catch {
      // exited, or not permitted
    }
  }
}

/** Resident set size in MiB, summed over the processes (shared pages counted in each). */
export function rssMiB(pids: number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      kb += Number(m?.[1] ?? 0);
    } catch {
      // exited
    }
  }
  return kb / 1024;
}

/** Busy and total jiffies of one core ("cpu0") or of all ("cpu"). */
export function coreTicks(core: number | "all"): { busy: number; total: number } {
  const name = core === "all" ? "cpu" : `cpu${core}`;
  const line = readFileSync("/proc/stat", "utf8").split("\n").find((l) => l.startsWith(`${name} `));
  if (!line) return { busy: 0, total: 0 };
  const v = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = v.reduce((a, b) => a + b, 0);
  const idle = (v[3] ?? 0) + (v[4] ?? 0); // idle + iowait
  return { busy: total - idle, total };
}

/** Samples a measure while a promise runs and returns its peak. */
export async function peakDuring<T>(work: Promise<T>, sample: () => number, everyMs = 250): Promise<{ result: T; peak: number }> {
  let peak = sample();
  const timer = setInterval(() => (peak = Math.max(peak, sample())), everyMs);
  try {
    const result = await work;
    peak = Math.max(peak, sample());
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}

/** Share of the machine's CPU (0..1, all cores) busy over `ms`, while the benchmark itself is idle. */
export async function backgroundBusy(ms: number): Promise<number> {
  const a = coreTicks("all");
  await new Promise((r) => setTimeout(r, ms));
  const b = coreTicks("all");
  return b.total > a.total ? (b.busy - a.busy) / (b.total - a.total) : 0;
}

/**
 * Waits (up to maxWaitMs) for the other tenants of a shared machine to quieten: until a 1 s sample
 * shows at most `threshold` of all cores busy. Returns the last sample, so the report can say.
 */
export async function waitForQuiet(threshold: number, maxWaitMs: number): Promise<number> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const busy = await backgroundBusy(1000);
    if (busy <= threshold || Date.now() >= deadline) return busy;
  }
}

const firstLine = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).split("\n")[0]!.trim();
  } catch {
    return "?";
  }
};

export interface Conditions {
  cpuModel: string;
  cores: number;
  kernel: string;
  node: string;
  nginx: string;
  wrk: string;
  openssl: string;
  weftCommit: string;
  /** First 12 hex digits of the SHA-256 of apps/proxy/dist/main.js, to tell builds apart. */
  proxyBundle: string;
  loadAverage: () => string;
}

export function conditions(repoRoot: string): Conditions {
  // nginx -v writes "nginx version: nginx/1.22.1" to stderr.
  const nginx = firstLine("sh", ["-c", "/usr/sbin/nginx -v 2>&1"]).replace(/^nginx version: /, "");
  let commit = "?";
  try {
    const git = (...a: string[]) => execFileSync("git", ["-C", repoRoot, ...a], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    commit = git("rev-parse", "--short", "HEAD");
    const dirty = git("status", "--porcelain", "--", "apps/proxy/src", "apps/controller/src", "packages/contracts/src");
    if (dirty) commit += " + uncommitted changes in apps/proxy, apps/controller or packages/contracts";
  } catch {
    // not a git checkout
  }
  return {
    cpuModel: cpus()[0]?.model ?? "?",
    cores: cpus().length,
    kernel: release(),
    node: process.version,
    nginx,
    wrk: firstLine("sh", ["-c", "wrk -v 2>&1 | head -1"]),
    openssl: firstLine("openssl", ["version"]),
    weftCommit: commit,
    proxyBundle: (() => {
      try {
        return createHash("sha256").update(readFileSync(join(repoRoot, "apps/proxy/dist/main.js"))).digest("hex").slice(0, 12);
      } catch {
        return "?";
      }
    })(),
    loadAverage: () => loadavg().map((x) => x.toFixed(2)).join(" "),
  };
}
