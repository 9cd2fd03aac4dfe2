// Sizing the built-in store: record caps from a memory budget, and the rule that keeps the 1-second
// tier large enough to roll every series up into minutes.

/** Measured heap cost of one stored record, rounded up (bench/telemetry-ingest.ts measures ~185 B). */
export const BYTES_PER_RECORD = 200;
/** A series needs this many 1-second records before its oldest can be rolled up and evicted (60 s + grace + slack). */
export const SECONDS_BEFORE_ROLLUP = 75;

export interface StoreLimits {
  maxSeries: number;
  maxSecondRecords: number;
  maxMinuteRecords: number;
}

/** A third of the budget for the 1-second tier, the rest for the 1-minute tier. */
export function limitsFromBudget(memoryMb: number, maxSeries: number): StoreLimits {
  const records = Math.floor((memoryMb * 1024 * 1024) / BYTES_PER_RECORD);
  return { maxSeries, maxSecondRecords: Math.floor(records / 3), maxMinuteRecords: records - Math.floor(records / 3) };
}

/** The most series a budget supports without dropping data before it is rolled up. */
export function maxSeriesFor(memoryMb: number): number {
  return Math.floor(limitsFromBudget(memoryMb, 0).maxSecondRecords / SECONDS_BEFORE_ROLLUP);
}
