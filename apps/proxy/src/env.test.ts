import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "./env";

describe("loadConfig", () => {
  it("applies the documented defaults", () => {
    const c = loadConfig({ WEFT_SERVICE: "reviews", WEFT_APP_PORT: "9080" });
    expect(c).toMatchObject({
      service: "reviews",
      namespace: "default",
      version: "v1",
      protocol: "http",
      app: { address: "127.0.0.1", port: 9080 },
      servicePort: 9080,
      inbound: { address: "127.0.0.1", port: 15006 },
      outbound: { port: 15001 },
      adminPort: 15000,
      controller: "127.0.0.1:18000",
      logLevel: "info",
      register: true,
      reportIntervalMs: 1000,
    });
    expect(c.nodeId).toMatch(/^reviews-v1-.+-\d+$/);
  });

  it("accepts port 0 for the sidecar's own listeners", () => {
    const c = loadConfig({ WEFT_SERVICE: "a", WEFT_APP_PORT: "1", WEFT_INBOUND_PORT: "0", WEFT_OUTBOUND_PORT: "0", WEFT_ADMIN_PORT: "0", WEFT_REGISTER: "false" });
    expect([c.inbound.port, c.outbound.port, c.adminPort, c.register]).toEqual([0, 0, 0, false]);
  });

  it("names every offending variable", () => {
    let error: unknown;
    try {
      loadConfig({ WEFT_APP_PORT: "http", WEFT_LOG_LEVEL: "loud", WEFT_CONTROLLER: "nowhere" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const issues = (error as ConfigError).issues.join("\n");
    expect(issues).toContain("WEFT_SERVICE: is required");
    expect(issues).toContain("WEFT_APP_PORT: must be a port number (1-65535)");
    expect(issues).toContain("WEFT_LOG_LEVEL: must be one of");
    expect(issues).toContain("WEFT_CONTROLLER: must be host:port");
  });

  it("treats empty values as unset and rejects invalid service names", () => {
    expect(loadConfig({ WEFT_SERVICE: "a", WEFT_APP_PORT: "1", WEFT_NAMESPACE: "" }).namespace).toBe("default");
    // Every variable, as the header says (these seven used to refuse "" as "expected string").
    const empty = loadConfig({
      WEFT_SERVICE: "a",
      WEFT_APP_PORT: "9080",
      ...Object.fromEntries(["WEFT_APP_ADDRESS", "WEFT_INBOUND_ADDRESS", "WEFT_SERVICE_PORT", "WEFT_INBOUND_PORT", "WEFT_OUTBOUND_PORT", "WEFT_ADMIN_PORT", "WEFT_REGISTER"].map((k) => [k, ""])),
    });
    expect(empty).toMatchObject({
      app: { address: "127.0.0.1", port: 9080 },
      servicePort: 9080,
      inbound: { address: "127.0.0.1", port: 15006 },
      outbound: { port: 15001 },
      adminPort: 15000,
      register: true,
    });
    expect(() => loadConfig({ WEFT_SERVICE: "", WEFT_APP_PORT: "" })).toThrow(/WEFT_SERVICE: is required[\s\S]*WEFT_APP_PORT: is required/);
    expect(() => loadConfig({ WEFT_SERVICE: "Bad_Name", WEFT_APP_PORT: "1" })).toThrow(/WEFT_SERVICE: use lowercase/);
  });

  it("identity and state: join token (validated, never echoed), CA address defaulting to the controller, a stable state directory", () => {
    const c = loadConfig({ WEFT_SERVICE: "reviews", WEFT_APP_PORT: "1", WEFT_JOIN_TOKEN: "weft_jt_abc-DEF_123", WEFT_CONTROLLER: "ctl:18000" });
    expect(c).toMatchObject({ joinToken: "weft_jt_abc-DEF_123", caAddress: "ctl:18000", stateDir: ".weft-sidecar/reviews.default-v1" });
    expect(loadConfig({ WEFT_SERVICE: "a", WEFT_APP_PORT: "1", WEFT_CA_ADDRESS: "ca:9443", WEFT_NODE_ID: "a/b c", WEFT_STATE_DIR: "" })).toMatchObject({
      caAddress: "ca:9443",
      joinToken: undefined,
      stateDir: ".weft-sidecar/a_b_c",
    });
    let error: ConfigError | undefined;
    try {
      loadConfig({ WEFT_SERVICE: "a", WEFT_APP_PORT: "1", WEFT_JOIN_TOKEN: "secret-but-wrong" });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.issues).toEqual(["WEFT_JOIN_TOKEN: must be a join token (weft_jt_…) created with the controller's workloadTokens API"]);
    expect(error?.message).not.toContain("secret-but-wrong");
  });

  it("telemetry: trace sampling 1 %, spans to the controller, access log off by default", () => {
    const c = loadConfig({ WEFT_SERVICE: "a", WEFT_APP_PORT: "1", WEFT_CONTROLLER: "ctl:18000" });
    expect(c.tracing).toEqual({ sampling: 0.01, endpoints: [{ protocol: "grpc", url: "http://ctl:18000" }] });
    expect(c.accessLog).toEqual({ target: "off", sampling: 1 });
  });

  it("telemetry: extra OTLP endpoints (gRPC, gRPC over TLS, HTTP), ratios, an access log file", () => {
    const c = loadConfig({
      WEFT_SERVICE: "a",
      WEFT_APP_PORT: "1",
      WEFT_TRACE_SAMPLING: "0.25",
      WEFT_OTLP_ENDPOINTS: "grpc://collector:4317, grpcs://vendor.example:443,http://jaeger:4318/v1/traces",
      WEFT_ACCESS_LOG: "/var/log/weft/access.jsonl",
      WEFT_ACCESS_LOG_SAMPLING: ".1",
    });
    expect(c.tracing).toEqual({
      sampling: 0.25,
      endpoints: [
        { protocol: "grpc", url: "http://127.0.0.1:18000" },
        { protocol: "grpc", url: "http://collector:4317" },
        { protocol: "grpc", url: "https://vendor.example:443" },
        { protocol: "http", url: "http://jaeger:4318/v1/traces" },
      ],
    });
    expect(c.accessLog).toEqual({ target: "/var/log/weft/access.jsonl", sampling: 0.1 });
    expect(loadConfig({ WEFT_SERVICE: "a", WEFT_APP_PORT: "1", WEFT_TRACE_SAMPLING: "1", WEFT_ACCESS_LOG: "stdout" })).toMatchObject({ tracing: { sampling: 1 }, accessLog: { target: "stdout" } });
  });

  it("telemetry: a bad ratio or endpoint is named", () => {
    let error: ConfigError | undefined;
    try {
      loadConfig({ WEFT_SERVICE: "a", WEFT_APP_PORT: "1", WEFT_TRACE_SAMPLING: "50%", WEFT_ACCESS_LOG_SAMPLING: "2", WEFT_OTLP_ENDPOINTS: "grpc://ok:4317,collector:4317" });
    } catch (e) {
      error = e as ConfigError;
    }
    expect(error?.issues).toEqual([
      "WEFT_TRACE_SAMPLING: must be a ratio between 0 and 1, e.g. 0.01 (1 = everything, 0 = nothing)",
      'WEFT_OTLP_ENDPOINTS: "collector:4317" is not an OTLP endpoint; use grpc://host:port (OTLP/gRPC), grpcs://host:port (OTLP/gRPC over TLS) or an OTLP/HTTP URL such as http://jaeger:4318/v1/traces',
      "WEFT_ACCESS_LOG_SAMPLING: must be a ratio between 0 and 1, e.g. 0.01 (1 = everything, 0 = nothing)",
    ]);
    expect(() => loadConfig({ WEFT_SERVICE: "a", WEFT_APP_PORT: "1", WEFT_OTLP_ENDPOINTS: "grpc://collector" })).toThrow(/"grpc:\/\/collector" is not an OTLP endpoint/);
  });
});
