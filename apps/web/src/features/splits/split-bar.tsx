// A stacked bar of a split's weights, one colour per version; hatched when there is no split
// (traffic goes to every version by endpoint weight).
import type { Backend } from "@weft/contracts";
import { colorOfVersion } from "../../ui/palette";
import { describeBackends } from "./split-model";

export function SplitBar({ backends, versions, size = "sm", label }: { backends: readonly Backend[]; versions: readonly string[]; size?: "sm" | "lg"; label?: string }) {
  const live = backends.filter((b) => b.weight > 0);
  const total = live.reduce((s, b) => s + b.weight, 0);
  const description = label ?? (live.length ? describeBackends(live) : "no split: every version by endpoint weight");
  return (
    <div className={`split-bar${size === "lg" ? " split-bar--lg" : ""}${live.length === 0 ? " split-bar--all" : ""}`} role="img" aria-label={`Split: ${description}`} title={description}>
      {live.map((b) => (
        <div key={b.version} className="split-bar__seg" style={{ width: `${(b.weight / Math.max(total, 100)) * 100}%`, background: colorOfVersion(versions, b.version) }} />
      ))}
    </div>
  );
}

/** Bar plus the split in words, for table cells. */
export function SplitCell({ backends, versions }: { backends: readonly Backend[] | undefined; versions: readonly string[] }) {
  return (
    <div className="split-cell">
      <SplitBar backends={backends ?? []} versions={versions} />
      <span className="split-cell__text">{backends ? describeBackends(backends) : "all versions · no route yet"}</span>
    </div>
  );
}
