import { afterEach, describe, expect, it } from "vitest";
import { Writable } from "node:stream";
import { pino } from "pino";
import { createFakeClock, createTestCa, type FakeClock, type TestCa, type TestCaServer } from "@weft/test-kit";
import { loadProtos } from "@weft/contracts/proto";
import { createBackoff } from "../core/backoff";
import { createProxyEvents, type IdentityEvent } from "../core/events";
import { createCaSigner } from "./ca-client";
import { createIdentityManager, type CertificateStore, type IdentityManager } from "./identity-manager";
import type { WorkloadCertificate } from "./certificate";

const TOKEN = "weft_jt_secret-token-value";
const HOUR = 3_600_000;

function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({ write(chunk, _enc, cb) { lines.push(String(chunk)); cb(); } });
  return { logger: pino({ level: "debug" }, sink), lines };
}

/** Waits for the manager's async attempt (keygen, gRPC round trip) to land; bounded, not a timing test. */
async function until(pred: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 400 && !pred(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!pred()) throw new Error(`timed out waiting for ${what}`);
}

let clock: FakeClock;
let ca: TestCa;
let server: TestCaServer;
let manager: IdentityManager | undefined;

async function setup(store?: CertificateStore, random = () => 0.5) {
  clock = createFakeClock(Date.now());
  ca = await createTestCa({ now: () => clock.now(), ttlMs: HOUR });
  server = await ca.startServer({ [TOKEN]: { service: "reviews" } });
  const { logger, lines } = capturingLogger();
  const events = createProxyEvents();
  const seen: IdentityEvent[] = [];
  events.on("identity", (e) => seen.push(e));
  manager = createIdentityManager({
    service: "reviews",
    namespace: "default",
    signer: createCaSigner({ address: server.address, token: TOKEN, protos: loadProtos() }),
    caAddress: server.address,
    clock,
    backoff: createBackoff({ baseMs: 1000, maxMs: 8000, random: () => 0.999 }),
    random,
    logger,
    events,
    ...(store ? { store } : {}),
  });
  return { lines, seen };
}

afterEach(async () => {
  manager?.close();
  manager = undefined;
  await server?.close();
});

describe("createIdentityManager", () => {
  it("gets a certificate from the CA with the join token, then renews at half its lifetime on the clock", async () => {
    await setup();
    const certs: WorkloadCertificate[] = [];
    manager!.onChange((c) => certs.push(c));
    await manager!.start();
    clock.advance(0);
    await until(() => certs.length === 1, "the first certificate");
    expect(certs[0]!.spiffe.uri).toBe("spiffe://weft.local/ns/default/sa/reviews");
    const renewAt = Date.parse(manager!.status().renewAt!);
    // random 0.5 -> exactly 50% of the lifetime (notBefore is backdated 5 min by the test CA).
    expect(renewAt).toBe(certs[0]!.notBefore + Math.round((certs[0]!.notAfter - certs[0]!.notBefore) / 2));
    clock.advance(renewAt - clock.now() - 1);
    // Not due yet: the renewal is still scheduled (an attempt clears nextAttemptAt synchronously).
    expect(manager!.status().nextAttemptAt).toBe(new Date(renewAt).toISOString());
    clock.advance(1);
    await until(() => certs.length === 2, "the renewed certificate");
    expect(certs[1]!.serial).not.toBe(certs[0]!.serial);
    expect(certs[1]!.keyPem).not.toBe(certs[0]!.keyPem); // a fresh key per certificate
    expect(manager!.status()).toMatchObject({ state: "ready", source: "ca", failures: 0 });
  });

  it("retries with backoff while the CA is away, warns before expiry, and never logs the token", async () => {
    const { lines, seen } = await setup();
    await manager!.start();
    clock.advance(0);
    await until(() => manager!.current !== undefined, "the first certificate");
    const first = manager!.current!;
    server.available = false;
    clock.advance(Date.parse(manager!.status().renewAt!) - clock.now());
    await until(() => manager!.status().failures === 1, "a failed renewal");
    expect(manager!.status().lastError).toContain("UNAVAILABLE");
    expect(manager!.status().nextAttemptAt).toBe(new Date(clock.now() + 1000).toISOString());
    // Still failing when less than a quarter of the lifetime is left: warning + "expiring" event.
    clock.advance(first.notAfter - clock.now() - (first.notAfter - first.notBefore) / 5);
    await until(() => seen.some((e) => e.state === "expiring"), "an expiring event");
    clock.advance(first.notAfter - clock.now());
    await until(() => seen.some((e) => e.state === "expired"), "an expired event");
    expect(manager!.status().state).toBe("expired");
    server.available = true;
    clock.advance(8000);
    await until(() => manager!.current !== first, "a new certificate once the CA is back");
    expect(manager!.status()).toMatchObject({ state: "ready", failures: 0 });
    expect(lines.join("")).toContain("cannot renew the workload certificate and it expires soon");
    expect(lines.join("")).not.toContain(TOKEN);
  });

  it("starts from a persisted certificate that is still valid, and persists the ones it gets", async () => {
    let saved: WorkloadCertificate | undefined;
    const store: CertificateStore = { load: async () => saved && { keyPem: saved.keyPem, certPem: saved.certPem, bundlePem: saved.bundlePem }, save: async (c) => void (saved = c) };
    await setup(store);
    await manager!.start();
    clock.advance(0);
    await until(() => saved !== undefined, "the certificate to be persisted");
    manager!.close();
    server.available = false;
    const { logger } = capturingLogger();
    manager = createIdentityManager({
      service: "reviews", namespace: "default", signer: async () => Promise.reject(new Error("CA down")), caAddress: "nowhere",
      clock, backoff: createBackoff({ random: () => 0 }), random: () => 0.5, logger, events: createProxyEvents(), store,
    });
    await manager.start();
    expect(manager.current?.serial).toBe(saved!.serial);
    expect(manager.status().source).toBe("disk");
  });

  it("refuses a certificate for another workload (wrong join token)", async () => {
    await setup();
    manager!.close();
    const other = await ca.startServer({ [TOKEN]: { service: "ratings" } });
    const { logger } = capturingLogger();
    manager = createIdentityManager({
      service: "reviews", namespace: "default", signer: createCaSigner({ address: other.address, token: TOKEN, protos: loadProtos() }), caAddress: other.address,
      clock, backoff: createBackoff({ random: () => 0 }), random: () => 0.5, logger, events: createProxyEvents(),
    });
    await manager.start();
    clock.advance(0);
    await until(() => manager!.status().failures === 1, "a refused certificate");
    expect(manager.status().lastError).toContain('the CA issued spiffe://weft.local/ns/default/sa/ratings, but this sidecar is service "reviews"');
    expect(manager.current).toBeUndefined();
    await other.close();
  });
});
