import { describe, expect, it } from "vitest";
import type { ProxyStatus } from "@weft/contracts";
import { overallState, shortVersion, typeState, typesOf } from "./proxy-model";

const proxy = (resources: ProxyStatus["resources"], upToDate = true): ProxyStatus => ({
  nodeId: "reviews-v1-1",
  kind: "sidecar",
  service: "reviews",
  namespace: "default",
  version: "v1",
  userAgent: "weft-proxy/dev",
  peer: "127.0.0.1:5000",
  connectedAt: "2025-01-01T00:00:00Z",
  lastReportAt: null,
  resources,
  upToDate,
});

describe("typeState", () => {
  it("tells acked, pending, nacked and absent apart", () => {
    const p = proxy([
      { type: "CDS", sentVersion: "7", ackedVersion: "7", nack: null },
      { type: "EDS", sentVersion: "8", ackedVersion: "7", nack: null },
      { type: "RDS", sentVersion: "9", ackedVersion: "8", nack: { version: "9", reason: "route x: bad weight", at: "2025-01-01T00:00:01Z" } },
    ]);
    expect(typeState(p, "CDS")).toEqual({ state: "acked", version: "7" });
    expect(typeState(p, "EDS")).toEqual({ state: "pending", sent: "8", acked: "7" });
    expect(typeState(p, "RDS")).toMatchObject({ state: "nacked", version: "9", reason: "route x: bad weight" });
    expect(typeState(p, "LDS")).toEqual({ state: "none" });
  });
});

describe("overallState", () => {
  it("puts a rejection first, then up-to-date or syncing", () => {
    expect(overallState(proxy([{ type: "CDS", sentVersion: "1", ackedVersion: "1", nack: null }]))).toEqual({ state: "up-to-date" });
    expect(overallState(proxy([{ type: "CDS", sentVersion: "2", ackedVersion: "1", nack: null }], false))).toEqual({ state: "syncing" });
    expect(overallState(proxy([{ type: "LDS", sentVersion: "2", ackedVersion: "1", nack: { version: "2", reason: "boom", at: "" } }], false))).toEqual({
      state: "rejected",
      type: "LDS",
      reason: "boom",
      version: "2",
    });
  });
});

describe("typesOf / shortVersion", () => {
  it("lists the standard types first, then others", () => {
    expect(typesOf([proxy([{ type: "EDS", sentVersion: null, ackedVersion: null, nack: null }, { type: "ZZZ", sentVersion: null, ackedVersion: null, nack: null }])])).toEqual(["EDS", "ZZZ"]);
    expect(typesOf([])).toEqual(["LDS", "RDS", "CDS", "EDS"]);
  });
  it("shortens long versions", () => {
    expect(shortVersion("16.969f9ce5a566")).toBe("16.969f9c");
    expect(shortVersion("7")).toBe("7");
    expect(shortVersion("0123456789abcdefXYZ")).toBe("0123456789a…");
  });
});
