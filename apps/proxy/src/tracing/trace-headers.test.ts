import { describe, expect, it } from "vitest";
import type { IncomingHttpHeaders } from "node:http";
import { TraceFlags } from "@opentelemetry/api";
import { formatTraceparent, readTrace, writeB3 } from "./trace-headers";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const SPAN = "00f067aa0ba902b7";
const OURS = { traceId: TRACE, spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED };

describe("reading trace context", () => {
  it("W3C traceparent: ids, sampled flag and tracestate; an invalid one is ignored", () => {
    expect(readTrace({ traceparent: `00-${TRACE}-${SPAN}-01`, tracestate: "vendor=abc" })).toMatchObject({
      format: "w3c",
      traceId: TRACE,
      spanId: SPAN,
      sampled: true,
      traceState: "vendor=abc",
    });
    expect(readTrace({ traceparent: `00-${TRACE}-${SPAN}-00` })).toMatchObject({ sampled: false, traceState: undefined });
    expect(readTrace({ traceparent: `00-${"0".repeat(32)}-${SPAN}-01` })).toBeUndefined(); // all-zero trace id
    expect(readTrace({ traceparent: "garbage" })).toBeUndefined();
    expect(readTrace({})).toBeUndefined();
  });

  it("traceparent wins over B3 when both are present", () => {
    expect(readTrace({ traceparent: `00-${TRACE}-${SPAN}-00`, b3: `${"a".repeat(32)}-${SPAN}-1` })).toMatchObject({ format: "w3c", sampled: false });
  });

  it("B3 single: sampled, not sampled, debug, deferred (no sampling state), 64-bit trace ids padded, and `0` (do not trace)", () => {
    expect(readTrace({ b3: `${TRACE}-${SPAN}-1` })).toMatchObject({ format: "b3-single", traceId: TRACE, spanId: SPAN, sampled: true });
    expect(readTrace({ b3: `${TRACE}-${SPAN}-0` })).toMatchObject({ sampled: false });
    expect(readTrace({ b3: `${TRACE}-${SPAN}-d` })).toMatchObject({ sampled: true });
    expect(readTrace({ b3: `${TRACE}-${SPAN}` })).toMatchObject({ sampled: undefined });
    expect(readTrace({ b3: `a3ce929d0e0e4736-${SPAN}-1` })).toMatchObject({ traceId: "0000000000000000a3ce929d0e0e4736" });
    expect(readTrace({ b3: "0" })).toMatchObject({ traceId: "", sampled: false });
    expect(readTrace({ b3: "nonsense" })).toBeUndefined();
  });

  it("B3 multi: ids with x-b3-sampled, x-b3-flags (debug) or neither (deferred)", () => {
    expect(readTrace({ "x-b3-traceid": TRACE, "x-b3-spanid": SPAN, "x-b3-sampled": "1" })).toMatchObject({ format: "b3-multi", traceId: TRACE, spanId: SPAN, sampled: true });
    expect(readTrace({ "x-b3-traceid": TRACE, "x-b3-spanid": SPAN, "x-b3-sampled": "0" })).toMatchObject({ sampled: false });
    expect(readTrace({ "x-b3-traceid": TRACE, "x-b3-spanid": SPAN, "x-b3-flags": "1" })).toMatchObject({ sampled: true });
    expect(readTrace({ "x-b3-traceid": TRACE, "x-b3-spanid": SPAN })).toMatchObject({ sampled: undefined });
  });
});

describe("writing trace context", () => {
  it("traceparent version 00 with the sampled flag", () => {
    expect(formatTraceparent(TRACE, SPAN, true)).toBe(`00-${TRACE}-${SPAN}-01`);
    expect(formatTraceparent(TRACE, SPAN, false)).toBe(`00-${TRACE}-${SPAN}-00`);
  });

  it("B3 back in the caller's encoding, our span as the parent; debug stays debug; a stale parent id is dropped", () => {
    const single: IncomingHttpHeaders = { b3: `${TRACE}-${SPAN}-1` };
    writeB3(single, readTrace(single)!, OURS);
    expect(single.b3).toBe(`${TRACE}-${OURS.spanId}-1`);

    const multi: IncomingHttpHeaders = { "x-b3-traceid": TRACE, "x-b3-spanid": SPAN, "x-b3-sampled": "1", "x-b3-parentspanid": "1111111111111111" };
    writeB3(multi, readTrace(multi)!, OURS);
    expect(multi).toMatchObject({ "x-b3-traceid": TRACE, "x-b3-spanid": OURS.spanId, "x-b3-sampled": "1" });
    expect(multi["x-b3-parentspanid"]).toBeUndefined();

    const debug: IncomingHttpHeaders = { "x-b3-traceid": TRACE, "x-b3-spanid": SPAN, "x-b3-flags": "1" };
    writeB3(debug, readTrace(debug)!, OURS);
    expect(debug).toMatchObject({ "x-b3-spanid": OURS.spanId, "x-b3-flags": "1" });
  });
});
