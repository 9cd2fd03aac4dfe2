"use client";
// The time-window selector ("Live", "5 min", "1 hour", …); the live choice carries a pulsing dot.
import type { TimeWindow } from "@weft/contracts";
import { Segmented } from "../../ui/segmented";
import type { WindowOption } from "./time-window";

export function WindowSelect(props: { value: TimeWindow; options: readonly WindowOption[]; onChange: (w: TimeWindow) => void; label?: string }) {
  const options = props.options.map((o) => ({
    value: o.value,
    label:
      o.value === "live" ? (
        <>
          <span className="segmented__live" aria-hidden="true" />
          {o.label}
        </>
      ) : (
        o.label
      ),
  }));
  return <Segmented value={props.value} options={options} onChange={props.onChange} label={props.label ?? "Time window"} />;
}
