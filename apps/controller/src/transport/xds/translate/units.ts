// Protobuf value shapes shared by the translators: durations, percentages, wrapped integers.

/** google.protobuf.Duration from milliseconds. */
export function duration(ms: number): { seconds: number; nanos: number } {
  return { seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 };
}

/**
 * envoy.type.v3.FractionalPercent from a 0–100 percentage: whole percentages as HUNDRED (readable),
 * fractions as MILLION (0.0001 % resolution).
 */
export function fractionalPercent(percent: number): { numerator: number; denominator: "HUNDRED" | "MILLION" } {
  return Number.isInteger(percent)
    ? { numerator: percent, denominator: "HUNDRED" }
    : { numerator: Math.round(percent * 10_000), denominator: "MILLION" };
}

/** google.protobuf.UInt32Value and friends. */
export const wrapped = (value: number) => ({ value });
