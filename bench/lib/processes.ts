// Every process the benchmark starts: spawned pinned to a core (taskset execs the command, so the
// child's pid is the real process), logged to a file, watched for unexpected exits, and stopped —
// SIGTERM, then SIGKILL after a grace period — at the end, on failure, or on Ctrl-C.
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";

export interface Managed {
  name: string;
  pid: number;
  child: ChildProcess;
  logFile: string;
  /** Resolves when the process has exited. */
  exited: Promise<void>;
}

export interface StartOptions {
  /** CPU core the process (and its threads and children) may run on. */
  cpu: number;
  env?: Record<string, string>;
  cwd?: string;
  /** Capture stdout in memory instead of the log file (stderr still goes to the log). */
  captureStdout?: boolean;
}

export interface ProcessGroup {
  start(name: string, command: string, args: string[], options: StartOptions): Managed;
  /** Runs a command to completion (bounded by timeoutMs, then killed) and returns its stdout. */
  run(name: string, command: string, args: string[], options: StartOptions & { timeoutMs: number }): Promise<string>;
  /** Throws naming the process, with the end of its log, if any started process exited on its own. */
  assertAlive(): void;
  /** SIGTERM to everything still running (newest first), SIGKILL after graceMs. */
  stopAll(graceMs?: number): Promise<void>;
  /** SIGKILL to everything still running, synchronously (last resort in an exit handler). */
  killNow(): void;
}

const tail = (file: string, lines = 20) => {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
};

export function createProcessGroup(logDir: string): ProcessGroup {
  const running = new Set<Managed>();
  const deaths: string[] = [];
  let stopping = false;

  function start(name: string, command: string, args: string[], options: StartOptions): Managed {
    const logFile = join(logDir, `${name}.log`);
    const fd = openSync(logFile, "a");
    const child = spawn("taskset", ["-c", String(options.cpu), command, ...args], {
      cwd: options.cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", options.captureStdout ? "pipe" : fd, fd],
    });
    closeSync(fd);
    if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);
    const managed: Managed = {
      name,
      pid: child.pid,
      child,
      logFile,
      exited: new Promise((resolve) => child.once("exit", () => resolve())),
    };
    running.add(managed);
    child.once("exit", (code, signal) => {
      running.delete(managed);
      if (!stopping && !options.captureStdout) deaths.push(`${name} exited (${signal ?? code}); the end of ${logFile}:\n${tail(logFile)}`);
    });
    child.once("error", (err) => deaths.push(`${name}: ${err.message}`));
    return managed;
  }

  async function run(name: string, command: string, args: string[], options: StartOptions & { timeoutMs: number }): Promise<string> {
    const m = start(name, command, args, { ...options, captureStdout: true });
    let out = "";
    m.child.stdout!.setEncoding("utf8").on("data", (s: string) => (out += s));
    const timer = setTimeout(() => m.child.kill("SIGKILL"), options.timeoutMs);
    const code = await new Promise<number | null>((resolve) => m.child.once("exit", (c) => resolve(c)));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`${name} failed (exit ${code}): ${out.trim().slice(-500)}\n${tail(m.logFile)}`);
    return out;
  }

  return {
    start,
    run,
    assertAlive() {
      if (deaths.length > 0) throw new Error(deaths.join("\n\n"));
    },
    async stopAll(graceMs = 5000) {
      stopping = true;
      const all = [...running].reverse();
      for (const m of all) m.child.kill("SIGTERM");
      const force = setTimeout(() => {
        for (const m of running) m.child.kill("SIGKILL");
      }, graceMs);
      await Promise.all(all.map((m) => m.exited));
      clearTimeout(force);
    },
    killNow() {
      stopping = true;
      for (const m of running) m.child.kill("SIGKILL");
    },
  };
}

/** A port free on 127.0.0.1 right now (the OS picks it; a tiny race before the user binds it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const address = s.address();
      s.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/** Polls `probe` every 200 ms until it returns true; throws `what` after timeoutMs. */
export async function waitUntil(what: string, timeoutMs: number, probe: () => Promise<boolean>, group?: ProcessGroup): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    group?.assertAlive();
    try {
      if (await probe()) return;
    } catch {
      // not yet
    }
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
