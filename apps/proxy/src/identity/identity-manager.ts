// The sidecar's workload identity over time: loads the persisted certificate if still valid, else
// generates a key and gets a certificate from the mesh CA; renews at ~50% of the lifetime (±5%
// jitter, so a fleet started together does not renew together) on the injected clock; retries with
// backoff while the CA is away; warns as expiry approaches. Listeners are told of every new
// certificate and swap their TLS contexts; connections opened before keep theirs.
import type { Logger } from "pino";
import type { Backoff } from "../core/backoff";
import type { Clock } from "../core/clock";
import type { ProxyEvents } from "../core/events";
import type { Signer } from "./ca-client";
import { toWorkloadCertificate, type WorkloadCertificate } from "./certificate";
import { createKeyAndCsr } from "./key-and-csr";

/** Where the certificate is persisted (the state directory); optional. */
export interface CertificateStore {
  load(): Promise<{ keyPem: string; certPem: string; bundlePem: string } | undefined>;
  save(cert: WorkloadCertificate): Promise<void>;
}

export interface IdentityManagerOptions {
  service: string;
  namespace: string;
  signer: Signer;
  /** Human-readable CA address, for logs. */
  caAddress: string;
  clock: Clock;
  backoff: Backoff;
  random: () => number;
  logger: Logger;
  events: ProxyEvents;
  store?: CertificateStore;
}

export interface IdentityStatus {
  state: "waiting" | "ready" | "expired";
  spiffeId: string | undefined;
  serial: string | undefined;
  notBefore: string | undefined;
  notAfter: string | undefined;
  /** Where the current certificate came from. */
  source: "ca" | "disk" | undefined;
  renewAt: string | undefined;
  /** Consecutive failed attempts and the last error (the CA's message). */
  failures: number;
  lastError: string | undefined;
  nextAttemptAt: string | undefined;
}

export interface IdentityManager {
  /** The certificate in use (possibly expired, see status()). */
  readonly current: WorkloadCertificate | undefined;
  /** Called with every new certificate (issued, renewed or loaded). */
  onChange(listener: (cert: WorkloadCertificate) => void): () => void;
  /** Loads the persisted certificate, then starts issuing/renewing in the background. */
  start(): Promise<void>;
  status(): IdentityStatus;
  close(): void;
}

/** Renew at this fraction of the lifetime, ± RENEW_JITTER. */
const RENEW_FRACTION = 0.5;
const RENEW_JITTER = 0.05;
/** Failed renewals log a warning once less than this fraction of the lifetime remains. */
const WARN_REMAINING_FRACTION = 0.25;

export function createIdentityManager(options: IdentityManagerOptions): IdentityManager {
  const { clock, backoff, logger, events } = options;
  const listeners: Array<(cert: WorkloadCertificate) => void> = [];
  let current: WorkloadCertificate | undefined;
  let source: IdentityStatus["source"];
  let renewAt: number | undefined;
  let timer: { cancel(): void } | undefined;
  let expiryTimer: { cancel(): void } | undefined;
  let nextAttemptAt: number | undefined;
  let failures = 0;
  let lastError: string | undefined;
  let attempting = false;
  let closed = false;

  const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

  function install(cert: WorkloadCertificate, from: "ca" | "disk"): void {
    current = cert;
    source = from;
    const lifetime = cert.notAfter - cert.notBefore;
    renewAt = cert.notBefore + Math.round(lifetime * (RENEW_FRACTION + (options.random() * 2 - 1) * RENEW_JITTER));
    logger.info(
      { spiffeId: cert.spiffe.uri, serial: cert.serial, notAfter: iso(cert.notAfter), renewAt: iso(renewAt), source: from },
      from === "ca" ? "workload certificate issued" : "workload certificate loaded from the state directory",
    );
    events.emit("identity", { state: "issued", spiffeId: cert.spiffe.uri, notAfter: cert.notAfter });
    for (const l of listeners) l(cert);
    expiryTimer?.cancel();
    expiryTimer = clock.setTimeout(onExpired, Math.max(0, cert.notAfter - clock.now()));
    schedule(Math.max(0, renewAt - clock.now()));
  }

  function onExpired(): void {
    expiryTimer = undefined;
    if (current === undefined || clock.now() < current.notAfter) return;
    logger.error({ spiffeId: current.spiffe.uri, notAfter: iso(current.notAfter), ca: options.caAddress, lastError }, "workload certificate EXPIRED: mTLS connections will fail until the CA answers");
    events.emit("identity", { state: "expired", spiffeId: current.spiffe.uri, notAfter: current.notAfter });
  }

  function schedule(delayMs: number): void {
    timer?.cancel();
    if (closed) return;
    nextAttemptAt = clock.now() + delayMs;
    timer = clock.setTimeout(() => void attempt(), delayMs);
  }

  async function attempt(): Promise<void> {
    timer = undefined;
    if (closed || attempting) return;
    attempting = true;
    nextAttemptAt = undefined;
    try {
      const { keyPem, csrPem } = await createKeyAndCsr(options.service, options.namespace, current?.spiffe.trustDomain);
      const signed = await options.signer(csrPem);
      const cert = toWorkloadCertificate(keyPem, signed.certificatePem, signed.trustBundlePem);
      if (cert.spiffe.service !== options.service || cert.spiffe.namespace !== options.namespace) {
        throw new Error(
          `the CA issued ${cert.spiffe.uri}, but this sidecar is service "${options.service}" in namespace "${options.namespace}": the join token (WEFT_JOIN_TOKEN) belongs to another workload`,
        );
      }
      if (closed) return;
      failures = 0;
      lastError = undefined;
      backoff.reset();
      install(cert, "ca");
      options.store?.save(cert).catch((err: unknown) => logger.warn({ err: (err as Error).message }, "could not persist the workload certificate"));
    } catch (err) {
      if (closed) return;
      failures++;
      lastError = (err as Error).message;
      const delay = backoff.next();
      const ctx = { ca: options.caAddress, error: lastError, retryInMs: delay, failures };
      const now = clock.now();
      if (current !== undefined && now < current.notAfter && current.notAfter - now < (current.notAfter - current.notBefore) * WARN_REMAINING_FRACTION) {
        logger.warn({ ...ctx, notAfter: iso(current.notAfter) }, "cannot renew the workload certificate and it expires soon");
        events.emit("identity", { state: "expiring", spiffeId: current.spiffe.uri, notAfter: current.notAfter });
      } else {
        logger.warn(ctx, current === undefined ? "cannot get a workload certificate from the CA yet" : "cannot renew the workload certificate yet");
      }
      events.emit("identity", { state: "renewal_failed", error: lastError });
      schedule(delay);
    } finally {
      attempting = false;
    }
  }

  return {
    get current() {
      return current;
    },
    onChange(listener) {
      listeners.push(listener);
      return () => {
        const i = listeners.indexOf(listener);
        if (i !== -1) listeners.splice(i, 1);
      };
    },
    async start() {
      const saved = await options.store?.load().catch((err: unknown) => {
        logger.warn({ err: (err as Error).message }, "could not read the persisted workload certificate");
        return undefined;
      });
      if (saved !== undefined && !closed) {
        try {
          const cert = toWorkloadCertificate(saved.keyPem, saved.certPem, saved.bundlePem);
          if (cert.spiffe.service !== options.service || cert.spiffe.namespace !== options.namespace) throw new Error(`it is for ${cert.spiffe.uri}`);
          if (cert.notAfter > clock.now()) {
            install(cert, "disk");
            return;
          }
          logger.info({ notAfter: iso(cert.notAfter) }, "the persisted workload certificate has expired; asking the CA");
        } catch (err) {
          logger.warn({ err: (err as Error).message }, "ignoring the persisted workload certificate");
        }
      }
      if (!closed) schedule(0);
    },
    status() {
      const expired = current !== undefined && clock.now() >= current.notAfter;
      return {
        state: current === undefined ? "waiting" : expired ? "expired" : "ready",
        spiffeId: current?.spiffe.uri,
        serial: current?.serial,
        notBefore: iso(current?.notBefore),
        notAfter: iso(current?.notAfter),
        source,
        renewAt: iso(renewAt),
        failures,
        lastError,
        nextAttemptAt: iso(nextAttemptAt),
      };
    },
    close() {
      closed = true;
      timer?.cancel();
      timer = undefined;
      expiryTimer?.cancel();
      expiryTimer = undefined;
    },
  };
}
