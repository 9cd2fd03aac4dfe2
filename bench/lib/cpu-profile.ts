// Reads a V8 .cpuprofile (node --cpu-prof) and says where a time window's CPU went: self time by
// category (Weft module groups, undici, node:http, streams, sockets, TLS, GC, native), the top
// functions, and Weft modules by self and inclusive time. Bundle positions (apps/proxy/dist/main.js,
// minified, dependencies included) map back to source files through the bundle's source map, read
// with node:module's SourceMap.
import { readFileSync } from "node:fs";
import { SourceMap } from "node:module";

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/**
 * Source file of a bundle position (0-based line and column, as in a .cpuprofile), from the bundle's
 * source map: `src/…` and `packages/…` for Weft's own code, `node_modules/…` for dependencies.
 */
export function bundleModules(bundleFile: string): (line: number, column: number) => { source: string; line: number } {
  const map = new SourceMap(JSON.parse(readFileSync(`${bundleFile}.map`, "utf8")) as ConstructorParameters<typeof SourceMap>[0]);
  const cache = new Map<string, { source: string; line: number }>();
  return (line, column) => {
    const key = `${line}:${column}`;
    let found = cache.get(key);
    if (found === undefined) {
      const entry = map.findEntry(line, column) as { originalSource?: string; originalLine?: number };
      const source = entry.originalSource?.replace(/^(?:file:\/\/)?(?:.*\/)?(?=node_modules\/)/, "").replace(/^(\.\.\/)+/, "");
      found = source === undefined ? { source: "bundle prologue", line } : { source, line: entry.originalLine ?? line };
      cache.set(key, found);
    }
    return found;
  };
}

/** Category of a JS frame (by file), or undefined for frames without a script (native, VM states). */
function categorize(url: string, module: string | undefined): string | undefined {
  if (module !== undefined) {
    if (module.startsWith("packages/contracts")) return "Weft: contracts";
    const m = /^src\/([^/]+)\/([^/.]+)/.exec(module);
    if (!m) return "Weft: other";
    const [, dir, file] = m;
    if (dir === "core" && (file === "exchange" || file === "body-pump" || file === "proxy-listener" || file === "connection-info")) return "Weft: exchange + listener (core)";
    if (dir === "core" && file === "events") return "Weft: events";
    if (dir === "telemetry") return "Weft: telemetry (edge stats, metrics)";
    if (dir === "layers" || dir === "routing" || dir === "resilience" || dir === "health" || dir === "outbound" || dir === "inbound") return "Weft: layers + routing";
    if (dir === "balance") return "Weft: balancing";
    if (dir === "upstream") return "Weft: upstream (forward, pools)";
    return `Weft: ${dir}`;
  }
  if (url === "") return undefined;
  const dep = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (dep) {
    if (dep === "undici") return "undici (upstream HTTP/1.1 client)";
    if (dep === "pino" || dep.startsWith("pino-") || dep === "sonic-boom") return "logging (pino)";
    if (dep.startsWith("@opentelemetry")) return "tracing (OpenTelemetry)";
    if (dep === "prom-client") return "prom-client";
    if (dep.startsWith("@grpc") || dep === "protobufjs") return "gRPC (xDS, telemetry stream)";
    return `dependency: ${dep}`;
  }
  const n = url.replace(/^node:/, "");
  if (/^(_http_|internal\/http\b|http$)/.test(n)) return "node:http (server: parser callbacks, headers, writes)";
  if (/http2/.test(n)) return "node:http2";
  if (/tls|crypto/.test(n)) return "node:tls";
  if (/^(net$|internal\/net|internal\/stream_base_commons|internal\/dgram)/.test(n)) return "node:net (sockets)";
  if (/streams?\b|internal\/webstreams/.test(n)) return "node:stream";
  if (/^events$|internal\/event_target/.test(n)) return "node:events";
  if (/timers/.test(n)) return "node:timers";
  if (/task_queues|async_hooks|internal\/process/.test(n)) return "node: nextTick / microtasks";
  if (/diagnostics_channel/.test(n)) return "node:diagnostics_channel";
  if (/^buffer$|internal\/buffer/.test(n)) return "node:buffer";
  if (/^url$|internal\/url/.test(n)) return "node:url";
  return `node: ${n}`;
}

export interface Analysis {
  /** Time covered by samples in the window, ms. */
  totalMs: number;
  idleMs: number;
  /** Self time by category, ms (idle excluded). */
  categories: Array<[string, number]>;
  /** Self time by function, ms. */
  functions: Array<[string, number]>;
  /** Weft source files: self and inclusive (on the stack) time, ms. */
  modules: Array<[string, { self: number; inclusive: number }]>;
}

/** Windows are in µs of the monotonic clock (process.hrtime.bigint() / 1000n), as the profile's. */
export function analyse(profileFile: string, bundleFile: string, window?: { startUs: number; endUs: number }): Analysis {
  const profile = JSON.parse(readFileSync(profileFile, "utf8")) as CpuProfile;
  const moduleOf = bundleModules(bundleFile);
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const n of profile.nodes) {
    byId.set(n.id, n);
    for (const c of n.children ?? []) parent.set(c, n.id);
  }
  const isBundle = (url: string) => url.endsWith("/apps/proxy/dist/main.js");
  // Weft's own file for its frames; a dependency's frames keep its node_modules path as their URL.
  const sourceOf = (f: CallFrame) => (isBundle(f.url) ? moduleOf(f.lineNumber, f.columnNumber) : undefined);

  // Per node: category (native frames inherit their caller's), function label, Weft modules on its stack.
  const info = new Map<number, { category: string; label: string; stackModules: Set<string>; module: string | undefined }>();
  const resolve = (id: number): { category: string; label: string; stackModules: Set<string>; module: string | undefined } => {
    const known = info.get(id);
    if (known) return known;
    const node = byId.get(id)!;
    const f = node.callFrame;
    const up = parent.has(id) ? resolve(parent.get(id)!) : undefined;
    const mapped = sourceOf(f);
    const source = mapped?.source;
    const dependency = source?.startsWith("node_modules/") === true;
    const module = dependency ? undefined : source;
    const url = dependency ? source! : f.url;
    let category = categorize(url, module);
    let label: string;
    if (f.functionName.startsWith("(")) {
      category = f.functionName === "(garbage collector)" ? "GC" : f.functionName === "(program)" ? "native, outside JS (libuv, syscalls, llhttp, OpenSSL, V8)" : f.functionName;
      label = f.functionName;
    } else if (category === undefined) {
      category = up?.category ?? "native";
      label = `${f.functionName || "(anonymous)"} [native] ← ${up?.label ?? "?"}`;
    } else {
      const where = module ?? url.replace(/^.*node_modules\//, "").replace(/^node:/, "node:");
      label = `${f.functionName || "(anonymous)"}  ${where}:${(mapped?.line ?? f.lineNumber) + 1}`;
    }
    const stackModules = new Set(up?.stackModules ?? []);
    if (module) stackModules.add(module);
    const r = { category, label, stackModules, module };
    info.set(id, r);
    return r;
  };

  const cat = new Map<string, number>();
  const fn = new Map<string, number>();
  const mod = new Map<string, { self: number; inclusive: number }>();
  let total = 0;
  let idle = 0;
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    // A sample stands for the interval until the next one.
    const dt = (profile.timeDeltas[i + 1] ?? 0) / 1000;
    if (window && (t < window.startUs || t > window.endUs)) continue;
    const r = resolve(profile.samples[i]!);
    total += dt;
    if (r.category === "(idle)") {
      idle += dt;
      continue;
    }
    cat.set(r.category, (cat.get(r.category) ?? 0) + dt);
    fn.set(r.label, (fn.get(r.label) ?? 0) + dt);
    for (const m of r.stackModules) {
      const e = mod.get(m) ?? { self: 0, inclusive: 0 };
      e.inclusive += dt;
      if (m === r.module) e.self += dt;
      mod.set(m, e);
    }
  }
  const desc = <V>(m: Map<string, V>, key: (v: V) => number) => [...m.entries()].sort((a, b) => key(b[1]) - key(a[1]));
  return {
    totalMs: total,
    idleMs: idle,
    categories: desc(cat, (v) => v),
    functions: desc(fn, (v) => v),
    modules: desc(mod, (v) => v.inclusive),
  };
}

/**
 * The analysis as text: shares of the main thread's busy samples, and µs per request. The profile's
 * samples are wall-clock (a preempted thread still "runs" the frame it was in), so the µs figures
 * scale the shares to the main thread's measured CPU time (/proc) when it is given.
 */
export function formatAnalysis(title: string, a: Analysis, requests: number, cpuSeconds?: number, topFunctions = 25): string {
  const busy = a.totalMs - a.idleMs;
  const perRequestUs = cpuSeconds !== undefined ? (cpuSeconds * 1e6) / Math.max(1, requests) : (busy * 1000) / Math.max(1, requests);
  const us = (ms: number) => ((perRequestUs * ms) / busy).toFixed(2);
  const pct = (ms: number) => ((100 * ms) / busy).toFixed(1).padStart(5);
  const out: string[] = [];
  out.push(`\n### ${title}`);
  out.push(
    `window ${(a.totalMs / 1000).toFixed(1)} s; main thread busy in ${(busy / 1000).toFixed(1)} s of samples` +
      (cpuSeconds !== undefined ? `; main thread CPU (/proc) ${cpuSeconds.toFixed(2)} s` : "") +
      `; ${requests} requests → ${perRequestUs.toFixed(1)} µs CPU per request\n`,
  );
  out.push("| self time by category | % of busy | µs / request |");
  out.push("|---|---:|---:|");
  for (const [k, v] of a.categories) if (v / busy >= 0.003) out.push(`| ${k} | ${pct(v)} | ${us(v)} |`);
  out.push(`\n| top functions (self) | % of busy | µs / request |`);
  out.push("|---|---:|---:|");
  for (const [k, v] of a.functions.slice(0, topFunctions)) out.push(`| \`${k.replace(/\|/g, "\\|")}\` | ${pct(v)} | ${us(v)} |`);
  out.push(`\n| Weft source file | self % | inclusive % (on the stack) |`);
  out.push("|---|---:|---:|");
  for (const [k, v] of a.modules.slice(0, 20)) out.push(`| ${k} | ${pct(v.self)} | ${pct(v.inclusive)} |`);
  return out.join("\n");
}
