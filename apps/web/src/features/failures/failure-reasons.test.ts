import { describe, expect, it } from "vitest";
import { FAILURE_REASONS, type RecentFailure } from "@weft/contracts";
import { describeReason, failureStatus, reasonShares, reasonTone, REASON_TEXT, recentFailures, traceLink } from "./failure-reasons";

const failure = (timeUnixMs: number, extra: Partial<RecentFailure> = {}): RecentFailure => ({
  timeUnixMs,
  traceId: "",
  direction: "inbound",
  sourceService: "storefront",
  destinationService: "catalog",
  destinationNamespace: "default",
  destinationVersion: "v1",
  route: "gift-cards",
  method: "GET",
  path: "/gift-cards",
  status: 503,
  grpcStatus: "",
  reason: "fault_injected",
  durationMs: 1,
  upstream: "",
  nodeId: "catalog-v1",
  ...extra,
});

describe("failure reasons", () => {
  it("explains every reason the sidecars can report", () => {
    for (const r of FAILURE_REASONS) expect(REASON_TEXT[r].length).toBeGreaterThan(10);
    expect(describeReason("fault_injected")).toMatch(/fault-injection policy/);
    expect(describeReason("something_new")).toMatch(/does not know/);
  });

  it("colours policies and callers' doing amber, the service failing red", () => {
    expect(reasonTone("fault_injected")).toBe("warn");
    expect(reasonTone("rate_limited")).toBe("warn");
    expect(reasonTone("upstream_timeout")).toBe("bad");
    expect(reasonTone("no_healthy_endpoint")).toBe("bad");
  });

  it("orders counts by frequency with their shares", () => {
    const shares = reasonShares([
      { reason: "upstream_timeout", count: 1 },
      { reason: "fault_injected", count: 3 },
      { reason: "denied", count: 0 },
      { reason: "fault_injected", count: 0 },
    ]);
    expect(shares.map((s) => [s.reason, s.count, s.share])).toEqual([
      ["fault_injected", 3, 0.75],
      ["upstream_timeout", 1, 0.25],
    ]);
    expect(reasonShares([])).toEqual([]);
  });

  it("links only real trace ids", () => {
    expect(traceLink("")).toBeNull();
    expect(traceLink("0".repeat(32))).toBeNull();
    expect(traceLink("ABCDEF0123456789abcdef0123456789")).toBe("/traces/abcdef0123456789abcdef0123456789");
    expect(traceLink("../etc/passwd")).toBeNull();
  });

  it("shows the HTTP status, and the gRPC status when there is one", () => {
    expect(failureStatus({ status: 503, grpcStatus: "" })).toBe("503");
    expect(failureStatus({ status: 200, grpcStatus: "UNAVAILABLE" })).toBe("200 · UNAVAILABLE");
    expect(failureStatus({ status: 0, grpcStatus: "" })).toBe("—");
  });

  it("lists newest first, optionally one reason", () => {
    const list = [failure(1), failure(3, { reason: "upstream_timeout" }), failure(2)];
    expect(recentFailures(list).map((f) => f.timeUnixMs)).toEqual([3, 2, 1]);
    expect(recentFailures(list, "fault_injected").map((f) => f.timeUnixMs)).toEqual([2, 1]);
  });
});
