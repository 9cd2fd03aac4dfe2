// The sidecar's V8 settings yield to the operator's: a flag set on the command line or in
// NODE_OPTIONS (either polarity, - or _) is not overridden at start.
import { describe, expect, it } from "vitest";
import { SIDECAR_V8_FLAGS, v8FlagsToApply } from "./gc-tuning";

describe("v8FlagsToApply", () => {
  it("applies the sidecar's flags when the operator chose none of them", () => {
    expect(v8FlagsToApply([], undefined)).toEqual([...SIDECAR_V8_FLAGS]);
    expect(v8FlagsToApply(["--enable-source-maps"], "--max-old-space-size=256")).toEqual(["--no-allocation-site-pretenuring", "--no-sparkplug"]);
  });

  it("leaves a flag the operator set on the command line, in either polarity", () => {
    expect(v8FlagsToApply(["--allocation-site-pretenuring"], undefined)).toEqual(["--no-sparkplug"]);
    expect(v8FlagsToApply(["--no-allocation-site-pretenuring", "--sparkplug"], undefined)).toEqual([]);
  });

  it("leaves a flag set in NODE_OPTIONS, with underscores too", () => {
    expect(v8FlagsToApply([], "--max-old-space-size=256 --allocation_site_pretenuring")).toEqual(["--no-sparkplug"]);
    expect(v8FlagsToApply([], "--no_allocation_site_pretenuring --no_sparkplug")).toEqual([]);
  });
});
