// The table under a service's charts: per version, requests in the window, average rate, success
// rate and the worst p99 — the numbers a canary decision is made on.
import type { ServiceMetrics } from "@weft/contracts";
import { VersionChip } from "../../ui/badge";
import { formatMs, formatRate, formatSuccess } from "../../ui/format";
import { summarizeVersions } from "./to-chart-data";

export function VersionSummary({ metrics }: { metrics: ServiceMetrics }) {
  const rows = summarizeVersions(metrics);
  if (rows.length === 0) return null;
  return (
    <div className="table-wrap">
      <table className="table" aria-label="Traffic by version">
        <thead>
          <tr>
            <th>Version</th>
            <th className="num">Requests</th>
            <th className="num">Avg req/s</th>
            <th className="num">Success</th>
            <th className="num" title="The highest p99 of any step in the window">Peak p99</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const failing = r.successRate !== null && r.successRate < 0.99;
            return (
              <tr key={r.version} data-version={r.version}>
                <td>
                  <VersionChip name={r.version} color={r.color} />
                </td>
                <td className="num">{r.requests.toLocaleString("en-US")}</td>
                <td className="num">{formatRate(r.requestsPerSecond)}</td>
                <td className={`num${failing ? " text-bad" : ""}`}>{r.successRate === null ? "—" : formatSuccess(r.successRate)}</td>
                <td className="num">{formatMs(r.peakP99Ms)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

