// One report window as the stream sends it: request edge deltas, TCP deltas, the newest failures
// and the count of series the caps refused — taken together, and put back together when the
// controller never acknowledged them.
import type { EdgeSample, FailureSample, TcpSample } from "@weft/contracts";
import type { EdgeStats } from "./edge-stats";
import type { FailureSamples } from "./failure-samples";
import type { TcpStats } from "./tcp-stats";

export interface ReportWindow {
  edges: EdgeSample[];
  tcp: TcpSample[];
  /** Newest first, at most MAX_FAILURE_SAMPLES. */
  failures: FailureSample[];
  droppedSeries: number;
}

export interface WindowSource {
  /** Everything since the previous take. */
  take(): ReportWindow;
  /** A window that will never be acknowledged rejoins the current one (merged, still bounded). */
  restore(window: ReportWindow): void;
}

export function createWindowSource(parts: { edges: EdgeStats; tcp: TcpStats; failures: FailureSamples }): WindowSource {
  return {
    take() {
      const e = parts.edges.takeWindow();
      const t = parts.tcp.takeWindow();
      return { edges: e.edges, tcp: t.tcp, failures: parts.failures.take(), droppedSeries: e.droppedSeries + t.droppedSeries };
    },
    restore(w) {
      parts.edges.restoreWindow({ edges: w.edges, droppedSeries: w.droppedSeries });
      parts.tcp.restoreWindow({ tcp: w.tcp, droppedSeries: 0 });
      parts.failures.restore(w.failures);
    },
  };
}
