// Peak-EWMA power of two choices (Linkerd / Finagle): each host's cost is its latency estimate x
// (outstanding + 1) / weight; of two random hosts the cheaper wins. The estimate jumps up to any
// slower response at once (peak) and otherwise moves toward new samples with weight
// 1 - e^(-elapsed/decay); while a host is not answered its estimate decays toward 0 (so a slow
// host is tried again after a while). All times on the injected clock.
import type { Balancer } from "../core/runtime-config";
import type { Host, HostSet, HostStats } from "./host";
import { drawTwo } from "./p2c";

/** Latency assumed for a host before its first response, ms (Linkerd's default RTT). */
export const DEFAULT_RTT_MS = 30;

/** Folds one observed latency into the host's estimate (called when response headers arrive). */
export function observeLatency(stats: HostStats, latencyMs: number, nowMs: number, decayMs: number): void {
  if (stats.ewmaMs < 0 || latencyMs > stats.ewmaMs) {
    stats.ewmaMs = latencyMs;
  } else {
    const w = Math.exp(-Math.max(0, nowMs - stats.ewmaAt) / decayMs);
    stats.ewmaMs = stats.ewmaMs * w + latencyMs * (1 - w);
  }
  stats.ewmaAt = nowMs;
}

/** The estimate at `nowMs`, decayed toward 0 since the last sample. */
export function currentEstimate(stats: HostStats, nowMs: number, decayMs: number): number {
  if (stats.ewmaMs < 0) return DEFAULT_RTT_MS;
  return stats.ewmaMs * Math.exp(-Math.max(0, nowMs - stats.ewmaAt) / decayMs);
}

export function peakEwmaCost(host: Host, nowMs: number, decayMs: number): number {
  return (currentEstimate(host.stats, nowMs, decayMs) * (host.stats.outstanding + 1)) / host.weight;
}

export function createPeakEwma(set: HostSet, options: { random: () => number; decayMs: number }): Balancer {
  const { random, decayMs } = options;
  return {
    pick(nowMs = 0) {
      const hosts = set.available(nowMs);
      if (hosts.length <= 1) return hosts[0];
      const [a, b] = drawTwo(hosts, random);
      return peakEwmaCost(b, nowMs, decayMs) < peakEwmaCost(a, nowMs, decayMs) ? b : a;
    },
  };
}
