// wrk, the closed-loop load generator for maximum throughput: installed from Debian when missing
// (as root; otherwise a message saying what to run), run pinned to the load core, output parsed.
import { execFileSync } from "node:child_process";
import type { ProcessGroup } from "./processes";

function has(command: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${command}`], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Makes sure wrk, nginx, taskset and openssl exist; installs what is missing from Debian when root. */
export function ensureTools(): void {
  const tools: Array<[command: string, pkg: string]> = [
    ["taskset", "util-linux"],
    ["openssl", "openssl"],
    ["/usr/sbin/nginx", "nginx"],
    ["wrk", "wrk"],
  ];
  const missing = () => tools.filter(([c]) => !has(c));
  const packages = missing().map(([, p]) => p);
  if (packages.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`${packages.join(", ")} not installed and this is not root, so the benchmark cannot install them: run \`sudo apt-get install -y ${packages.join(" ")}\`, then again`);
  }
  console.log(`installing from Debian: apt-get install -y ${packages.join(" ")} …`);
  const apt = (...a: string[]) => execFileSync("apt-get", a, { stdio: ["ignore", "ignore", "inherit"], timeout: 300_000, env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
  try {
    apt("install", "-y", "-q", ...packages);
  } catch {
    apt("update", "-q");
    apt("install", "-y", "-q", ...packages);
  }
  const still = missing();
  if (still.length > 0) throw new Error(`apt-get did not install ${still.map(([c]) => c).join(", ")}`);
}

export interface WrkResult {
  requestsPerSecond: number;
  requests: number;
  /** Non-2xx/3xx answers plus socket errors (connect, read, write, timeout). */
  errors: number;
}

export async function runWrk(group: ProcessGroup, o: { url: string; hostHeader: string; connections: number; seconds: number; cpu: number }): Promise<WrkResult> {
  const out = await group.run("wrk", "wrk", ["-t1", `-c${o.connections}`, `-d${o.seconds}s`, "--timeout", "5s", "-H", `Host: ${o.hostHeader}`, o.url], {
    cpu: o.cpu,
    timeoutMs: (o.seconds + 15) * 1000,
  });
  const num = (re: RegExp) => Number(re.exec(out)?.[1] ?? NaN);
  const rps = num(/Requests\/sec:\s+([\d.]+)/);
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${out}`);
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out);
  const socketErrors = sock ? sock.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
  const non2xx = num(/Non-2xx or 3xx responses:\s+(\d+)/);
  return {
    requestsPerSecond: rps,
    requests: num(/(\d+) requests in/),
    errors: socketErrors + (Number.isFinite(non2xx) ? non2xx : 0),
  };
}
