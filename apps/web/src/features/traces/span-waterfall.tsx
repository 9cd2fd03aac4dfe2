"use client";
// The waterfall of one trace: a row per span, indented under its parent, its bar placed on the
// trace's time axis in its service's colour, error spans marked with their failure reason.
// Rows are buttons: choosing one shows its details (see span-details.tsx).
import type { Waterfall } from "./waterfall";
import { axisTicks, durationLabelPlace, formatAxisMs } from "./waterfall";
import { formatMs } from "../../ui/format";
import { serviceColor } from "./service-colors";

const INDENT_PX = 16;

export function SpanWaterfall({ waterfall, selected, onSelect }: { waterfall: Waterfall; selected: string | null; onSelect: (spanId: string) => void }) {
  const ticks = axisTicks(waterfall.durationMs);
  const step = ticks.length > 1 ? ticks[1]! - ticks[0]! : 0;
  const total = Math.max(waterfall.durationMs, 0.001);
  return (
    <div className="waterfall" role="list" aria-label="Spans">
      <div className="waterfall__head" aria-hidden="true">
        <div className="waterfall__label-col">Span</div>
        <div className="waterfall__axis">
          {ticks.map((t) => (
            <span key={t} className="waterfall__tick" style={{ left: `${(t / total) * 100}%` }}>
              {formatAxisMs(t, step)}
            </span>
          ))}
        </div>
      </div>
      {waterfall.rows.map((r) => {
        const color = serviceColor(waterfall.services, r.span.service);
        const isSelected = selected === r.span.spanId;
        const place = durationLabelPlace(r);
        return (
          <div role="listitem" key={r.span.spanId}>
            <button
              type="button"
              className={`waterfall__row${isSelected ? " waterfall__row--selected" : ""}${r.isError ? " waterfall__row--error" : ""}`}
              aria-pressed={isSelected}
              aria-label={`${r.span.name} (${r.span.service}), ${formatMs(r.span.durationMs)}${r.reason ? `, failed: ${r.reason}` : ""}`}
              onClick={() => onSelect(r.span.spanId)}
              data-testid="waterfall-row"
              data-service={r.span.service}
              data-status={r.span.status}
            >
              <div className="waterfall__label-col waterfall__label" style={{ paddingLeft: 10 + r.depth * INDENT_PX }}>
                {r.depth > 0 ? <span className="waterfall__elbow" aria-hidden="true" /> : null}
                <span className="waterfall__swatch" style={{ background: color }} aria-hidden="true" />
                <span className="waterfall__name">{r.span.name}</span>
                {r.reason ? <span className="waterfall__reason mono">{r.reason}</span> : null}
                {r.orphan ? (
                  <span className="waterfall__orphan" title="Its parent span was not received">
                    detached
                  </span>
                ) : null}
              </div>
              <div className="waterfall__track">
                {ticks.map((t) => (
                  <span key={t} className="waterfall__grid" style={{ left: `${(t / total) * 100}%` }} aria-hidden="true" />
                ))}
                <span
                  className={`waterfall__bar${r.isError ? " waterfall__bar--error" : ""}`}
                  style={{ left: `${r.offsetPct}%`, width: `max(3px, ${r.widthPct}%)`, background: color }}
                />
                <span
                  className={`waterfall__dur num${place === "inside" ? " waterfall__dur--inside" : ""}`}
                  style={
                    place === "after"
                      ? { left: `calc(${r.offsetPct + r.widthPct}% + 6px)` }
                      : place === "inside"
                        ? { right: `calc(${100 - r.offsetPct - r.widthPct}% + 6px)` }
                        : { right: `calc(${100 - r.offsetPct}% + 6px)` }
                  }
                >
                  {formatMs(r.span.durationMs)}
                </span>
              </div>
            </button>
          </div>
        );
      })}
    </div>
  );
}
