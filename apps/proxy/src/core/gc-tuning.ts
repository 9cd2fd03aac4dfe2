// V8 settings for the sidecar process: the garbage collector's and the compiler's. Applied by apply-gc-tuning.ts, which main.ts
// imports first (the libraries the bundle imports load before it; the request path's objects are all
// allocated after); not by createSidecar: tests and embedders keep their process as it is.
//
// Allocation-site pretenuring off. Under saturated load many request objects are in flight across a
// young-generation collection, so V8 starts allocating objects from those sites directly in the old
// generation. At a moderate rate afterwards, those pretenured request objects die in the old
// generation still pointing at young objects, which every scavenge must then keep and promote
// (~1 MB per scavenge, 99 % promotion rate, measured with --trace-gc-nvp at 1 000 req/s): the old
// generation fills with garbage and full collections follow. With pretenuring off, a scavenge
// promotes ~10-40 KB; at 1 000 req/s the sidecar used ~20 % less CPU and its p99 latency went from
// 3-7 ms to ~1 ms (docs/benchmarks.md). The sidecar has no long-lived objects allocated in bulk that
// pretenuring would help.
//
// Sparkplug off. V8's baseline compiler turns every function that has run a few times into machine
// code, kept beside its bytecode: start-up (reading the descriptor, the first xDS config, the CSR)
// left ~0.8 MB of it in an idle sidecar's heap. Functions that run hot still reach the optimizing
// compiler; the others run in the interpreter. CPU per request at 1 000 req/s and saturated
// throughput moved within the noise in two A/B pairs (docs/benchmarks.md, point 14); V8 turns it off
// on low-memory devices for the same reason.
export const SIDECAR_V8_FLAGS = ["--no-allocation-site-pretenuring", "--no-sparkplug"] as const;

/** The sidecar's flags minus those the operator set (either polarity, `-`/`_` alike) on the command line or in NODE_OPTIONS. */
export function v8FlagsToApply(execArgv: readonly string[], nodeOptions: string | undefined): string[] {
  const name = (arg: string) => arg.split("=")[0]!.replace(/_/g, "-").replace(/^--(no-)?/, "");
  const chosen = new Set([...execArgv, ...(nodeOptions ?? "").split(/\s+/)].filter((a) => a.startsWith("--")).map(name));
  return SIDECAR_V8_FLAGS.filter((flag) => !chosen.has(name(flag)));
}
