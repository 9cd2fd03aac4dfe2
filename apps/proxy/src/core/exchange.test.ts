import { describe, expect, it } from "vitest";
import { parseTarget } from "./exchange";

describe("parseTarget", () => {
  it("takes the authority from Host for origin-form targets", () => {
    expect(parseTarget("/a?b=1", "Reviews:9080")).toEqual({ authority: "reviews:9080", path: "/a?b=1" });
    expect(parseTarget("/", undefined)).toEqual({ authority: "", path: "/" });
  });

  it("takes authority and path from absolute-form targets (proxy mode)", () => {
    expect(parseTarget("http://reviews:9080/a/b?c=d", "other")).toEqual({ authority: "reviews:9080", path: "/a/b?c=d" });
    expect(parseTarget("http://reviews", undefined)).toEqual({ authority: "reviews", path: "/" });
    expect(parseTarget("http://reviews?x=1", undefined)).toEqual({ authority: "reviews", path: "/?x=1" });
    expect(parseTarget("http://[::1]:80/x", undefined)).toEqual({ authority: "[::1]:80", path: "/x" });
  });
});
