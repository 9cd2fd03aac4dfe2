import { describe, expect, it } from "vitest";
import type { TelemetrySource } from "@weft/contracts";
import { whyEmpty, whyNoTraces } from "./empty-reason";

const src = (state: TelemetrySource["state"], backend: TelemetrySource["backend"] = "builtin", detail = ""): TelemetrySource => ({ backend, state, detail });

describe("whyEmpty", () => {
  it("says nothing when there is data and the store answered", () => {
    expect(whyEmpty({ source: src("ok"), hasData: true, window: "5m" })).toBeNull();
    expect(whyEmpty({ hasData: true, window: "live" })).toBeNull();
  });

  it("blames an unreachable store first, with its own words and what to check", () => {
    const r = whyEmpty({ source: src("unreachable", "prometheus", "Prometheus at http://127.0.0.1:9090 did not answer: ECONNREFUSED"), hasData: false, window: "1h" });
    expect(r?.kind).toBe("unreachable");
    expect(r?.title).toBe("Prometheus is not answering");
    expect(r?.body).toContain("ECONNREFUSED. Nothing can be shown");
    expect(r?.hint).toContain("WEFT_PROMETHEUS_URL");
    // Even with leftover data on screen the operator must know the numbers are not current.
    expect(whyEmpty({ source: src("unreachable"), hasData: true, window: "5m" })?.kind).toBe("unreachable");
  });

  it("says no sidecar reported, with the window and how to start the demo", () => {
    const r = whyEmpty({ source: src("no_reports"), hasData: false, window: "24h" });
    expect(r).toMatchObject({ kind: "no_reports", title: "No sidecar has reported in the last 24 hours", hint: "npm run up" });
    // The graph knows the count even from an older controller without `source`.
    expect(whyEmpty({ hasData: false, window: "live", reportingProxies: 0 })?.title).toBe("No sidecar has reported in the last 10 s");
  });

  it("tells filtered-out from quiet", () => {
    expect(whyEmpty({ source: src("ok"), hasData: false, window: "1h", filtered: true })?.kind).toBe("no_match");
    const quiet = whyEmpty({ source: src("ok"), hasData: false, window: "5m", subject: "catalog.default" });
    expect(quiet).toMatchObject({ kind: "no_traffic", title: "No traffic in the last 5 minutes" });
    expect(quiet?.body).toContain("catalog.default");
  });
});

describe("whyNoTraces", () => {
  it("explains a quiet service like any view, and a traced-nothing service on its own terms", () => {
    expect(whyNoTraces({ source: src("no_reports"), hasTraffic: false, window: "1h", subject: "catalog.default" }).kind).toBe("no_reports");
    expect(whyNoTraces({ source: src("ok"), hasTraffic: false, window: "1h", subject: "catalog.default" }).kind).toBe("no_traffic");
    const r = whyNoTraces({ source: src("ok"), hasTraffic: true, window: "1h", subject: "catalog.default" });
    expect(r.title).toBe("No trace of catalog.default in the last hour");
    expect(r.body).toMatch(/OTLP/);
    expect(whyNoTraces({ source: src("ok"), hasTraffic: true, window: "5m" }).title).toBe("No trace of any request in the last 5 minutes");
  });

  it("blames the filters only when traffic flowed", () => {
    expect(whyNoTraces({ source: src("ok"), hasTraffic: true, window: "1h", filtered: true }).kind).toBe("no_match");
    expect(whyNoTraces({ source: src("ok"), hasTraffic: true, window: "1h", filtered: true }).title).toBe("Nothing matches these filters in the last hour");
    expect(whyNoTraces({ source: src("ok"), hasTraffic: false, window: "1h", filtered: true }).kind).toBe("no_traffic");
    // Traces do not come from the metrics store: Prometheus being down explains no missing trace.
    expect(whyNoTraces({ source: src("unreachable", "prometheus"), hasTraffic: false, window: "1h", filtered: true }).kind).toBe("no_match");
    expect(whyNoTraces({ source: src("unreachable", "prometheus"), hasTraffic: false, window: "1h" }).title).toBe("No trace of any request in the last hour");
  });
});
