import { expect, it } from "vitest";
import { LATENCY_BUCKETS_MS } from "@weft/contracts";
import { emptyBuckets, quantileMs } from "./latency";

it("interpolates quantiles inside the bucket that holds them", () => {
  const b = emptyBuckets();
  // 100 observations in (10, 25] ms
  b[LATENCY_BUCKETS_MS.indexOf(25)] = 100;
  expect(quantileMs(b, 0.5)).toBeCloseTo(17.5);
  expect(quantileMs(b, 0.99)).toBeCloseTo(24.85);
});

it("finds a slow tail", () => {
  const b = emptyBuckets();
  b[LATENCY_BUCKETS_MS.indexOf(5)] = 990;
  b[LATENCY_BUCKETS_MS.indexOf(500)] = 10;
  expect(quantileMs(b, 0.5)!).toBeLessThanOrEqual(5);
  expect(quantileMs(b, 0.999)!).toBeGreaterThan(250);
});

it("answers null without observations and the last bound for the +Inf bucket", () => {
  expect(quantileMs(emptyBuckets(), 0.99)).toBeNull();
  const b = emptyBuckets();
  b[b.length - 1] = 5;
  expect(quantileMs(b, 0.5)).toBe(LATENCY_BUCKETS_MS.at(-1));
});
