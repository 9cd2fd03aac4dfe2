// TLS material built from the workload certificate: one node:tls SecureContext (key, certificate
// chain, trust bundle) used for both mTLS sides, with a generation number. A new certificate
// produces a new generation atomically; handshakes read `current` once, so connections opened on
// the old context finish on it while new ones use the new one.
import { createSecureContext, type SecureContext } from "node:tls";
import type { WorkloadCertificate } from "../identity/certificate";

export interface TlsMaterial {
  /** Increments with every certificate; part of upstream connection keys. */
  readonly generation: number;
  readonly context: SecureContext;
  readonly cert: WorkloadCertificate;
  /** Our own trust domain: peers must be workloads of the same mesh. */
  readonly trustDomain: string;
}

export interface TlsProvider {
  /** Undefined until the first certificate. */
  readonly current: TlsMaterial | undefined;
  /** Installs a certificate (from the identity manager). */
  update(cert: WorkloadCertificate): TlsMaterial;
  onChange(listener: (material: TlsMaterial, previous: TlsMaterial | undefined) => void): void;
}

/** TLS 1.2 is the floor (as Envoy's default); the mesh itself negotiates 1.3. */
export const MIN_TLS_VERSION = "TLSv1.2";

export function createTlsProvider(): TlsProvider {
  let current: TlsMaterial | undefined;
  const listeners: Array<(m: TlsMaterial, prev: TlsMaterial | undefined) => void> = [];
  return {
    get current() {
      return current;
    },
    update(cert) {
      const context = createSecureContext({ key: cert.keyPem, cert: cert.certPem, ca: cert.bundlePem, minVersion: MIN_TLS_VERSION });
      const previous = current;
      current = { generation: (previous?.generation ?? 0) + 1, context, cert, trustDomain: cert.spiffe.trustDomain };
      for (const l of listeners) l(current, previous);
      return current;
    },
    onChange(listener) {
      listeners.push(listener);
    },
  };
}
