import { describe, expect, it } from "vitest";
import { formatAgo, formatMs, formatPercent, formatRate, formatSuccess } from "./format";

describe("formatRate", () => {
  it("is compact and drops trailing zeros", () => {
    expect(formatRate(0)).toBe("0");
    expect(formatRate(0.44)).toBe("0.4");
    expect(formatRate(3)).toBe("3");
    expect(formatRate(12.34)).toBe("12.3");
    expect(formatRate(512.4)).toBe("512");
    expect(formatRate(1234)).toBe("1.2k");
    expect(formatRate(Number.NaN)).toBe("0");
  });
});

describe("formatPercent", () => {
  it("shows small error rates without rounding them to zero", () => {
    expect(formatPercent(0)).toBe("0%");
    expect(formatPercent(0.0004)).toBe("<0.1%");
    expect(formatPercent(0.004)).toBe("0.4%");
    expect(formatPercent(0.05)).toBe("5%");
    expect(formatPercent(0.123)).toBe("12%");
    expect(formatPercent(1)).toBe("100%");
  });
});

describe("formatSuccess", () => {
  it("never rounds a failing service up to 100%", () => {
    expect(formatSuccess(null)).toBe("—");
    expect(formatSuccess(1)).toBe("100%");
    expect(formatSuccess(0.9996)).toBe("100%");
    expect(formatSuccess(0.9991)).toBe("99.91%");
    expect(formatSuccess(0.875)).toBe("87.5%");
    expect(formatSuccess(0)).toBe("0.0%");
  });
});

describe("formatMs", () => {
  it("switches unit at a second and says when unknown", () => {
    expect(formatMs(null)).toBe("—");
    expect(formatMs(0.5)).toBe("0.5 ms");
    expect(formatMs(45.4)).toBe("45 ms");
    expect(formatMs(1250)).toBe("1.3 s");
  });
});

describe("formatAgo", () => {
  const now = Date.parse("2025-01-01T12:00:00Z");
  it("counts back from now", () => {
    expect(formatAgo(null, now)).toBe("never");
    expect(formatAgo("2025-01-01T11:59:58Z", now)).toBe("just now");
    expect(formatAgo("2025-01-01T11:59:18Z", now)).toBe("42 s ago");
    expect(formatAgo("2025-01-01T11:55:00Z", now)).toBe("5 min ago");
    expect(formatAgo("2025-01-01T09:00:00Z", now)).toBe("3 h ago");
    expect(formatAgo("2024-12-29T12:00:00Z", now)).toBe("3 d ago");
  });
});
