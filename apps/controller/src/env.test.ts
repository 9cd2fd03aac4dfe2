import { describe, expect, it } from "vitest";
import { readEnv } from "./env";

describe("CA and identity settings", () => {
  it("default to the weft.local trust domain, 24 h certificates and a generated CA", () => {
    expect(readEnv({}).ca).toEqual({ trustDomain: "weft.local", certTtlMs: 24 * 3_600_000 });
  });

  it("read a trust domain, a lifetime, an operator CA and an encryption key in hex or base64", () => {
    const hex = "ab".repeat(32);
    const b64 = Buffer.alloc(32, 9).toString("base64");
    const ca = readEnv({
      WEFT_TRUST_DOMAIN: "mesh.example.com",
      WEFT_CERT_TTL_HOURS: "6",
      WEFT_CA_CERT_FILE: "/etc/weft/ca.pem",
      WEFT_CA_KEY_FILE: "/etc/weft/ca-key.pem",
      WEFT_CA_KEY_ENCRYPTION_KEY: hex,
    }).ca!;
    expect(ca).toMatchObject({ trustDomain: "mesh.example.com", certTtlMs: 6 * 3_600_000, operator: { certFile: "/etc/weft/ca.pem", keyFile: "/etc/weft/ca-key.pem" } });
    expect(ca.keyEncryptionKey).toEqual(Buffer.from(hex, "hex"));
    expect(readEnv({ WEFT_CA_KEY_ENCRYPTION_KEY: b64 }).ca!.keyEncryptionKey).toEqual(Buffer.alloc(32, 9));
  });

  it("refuse bad values, naming the variable", () => {
    expect(() => readEnv({ WEFT_CA_CERT_FILE: "/ca.pem" })).toThrow(/WEFT_CA_KEY_FILE: set both WEFT_CA_CERT_FILE and WEFT_CA_KEY_FILE/);
    expect(() => readEnv({ WEFT_CA_KEY_ENCRYPTION_KEY: "short" })).toThrow(/WEFT_CA_KEY_ENCRYPTION_KEY: must be 32 random bytes/);
    expect(() => readEnv({ WEFT_TRUST_DOMAIN: "Weft Local" })).toThrow(/WEFT_TRUST_DOMAIN: must be a lower-case DNS name/);
    expect(() => readEnv({ WEFT_CERT_TTL_HOURS: "0" })).toThrow(/WEFT_CERT_TTL_HOURS: must be positive/);
  });
});

describe("telemetry settings", () => {
  it("default to the built-in store with a 128 MB budget, protected /metrics", () => {
    const env = readEnv({ WEFT_REPLICA_ID: "r1" });
    expect(env.telemetry).toEqual({ backend: "builtin", replica: "r1", memoryMb: 128, maxSeries: 2500, flushIntervalMs: 5000, traces: { maxSpans: 100_000, maxBytes: 64 * 1024 * 1024 } });
    expect(env.metricsPublic).toBe(false);
  });

  it("read the Prometheus backend and public metrics", () => {
    const env = readEnv({ WEFT_TELEMETRY_BACKEND: "prometheus", WEFT_PROMETHEUS_URL: "http://127.0.0.1:9090", WEFT_PROMETHEUS_SCRAPE_INTERVAL_SECONDS: "5", WEFT_METRICS_PUBLIC: "true" });
    expect(env.telemetry).toMatchObject({ backend: "prometheus", prometheus: { url: "http://127.0.0.1:9090", scrapeIntervalSeconds: 5 } });
    expect(env.metricsPublic).toBe(true);
  });

  it("refuse bad values, naming the variable", () => {
    expect(() => readEnv({ WEFT_TELEMETRY_BACKEND: "prometheus" })).toThrow(/WEFT_PROMETHEUS_URL: is required when WEFT_TELEMETRY_BACKEND=prometheus/);
    expect(() => readEnv({ WEFT_TELEMETRY_BACKEND: "influx" })).toThrow(/WEFT_TELEMETRY_BACKEND: must be builtin or prometheus/);
    expect(() => readEnv({ WEFT_TELEMETRY_MEMORY_MB: "1" })).toThrow(/WEFT_TELEMETRY_MEMORY_MB: must be at least 8/);
    expect(() => readEnv({ WEFT_METRICS_PUBLIC: "maybe" })).toThrow(/WEFT_METRICS_PUBLIC: must be true or false/);
    expect(() => readEnv({ WEFT_TELEMETRY_MAX_SERIES: "5000" })).toThrow(/WEFT_TELEMETRY_MAX_SERIES: is more than WEFT_TELEMETRY_MEMORY_MB=128 can roll up \(at most 2982\)/);
    expect(readEnv({ WEFT_TELEMETRY_MAX_SERIES: "5000", WEFT_TELEMETRY_MEMORY_MB: "256" }).telemetry?.maxSeries).toBe(5000);
  });
});
