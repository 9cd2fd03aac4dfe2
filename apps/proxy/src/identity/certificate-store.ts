// The workload certificate on disk (`<state dir>/identity.json`, mode 600: the private key is in
// it), so a sidecar restarting while the CA is unreachable keeps its still-valid identity.
import type { StateDir } from "../discovery/persist";
import type { CertificateStore } from "./identity-manager";

export const IDENTITY_FILE = "identity.json";

export function createCertificateStore(dir: StateDir): CertificateStore {
  return {
    async load() {
      const text = await dir.read(IDENTITY_FILE);
      if (text === undefined) return undefined;
      const doc = JSON.parse(text) as { keyPem?: unknown; certPem?: unknown; bundlePem?: unknown };
      if (typeof doc.keyPem !== "string" || typeof doc.certPem !== "string" || typeof doc.bundlePem !== "string") {
        throw new Error(`${IDENTITY_FILE} lacks keyPem, certPem or bundlePem`);
      }
      return { keyPem: doc.keyPem, certPem: doc.certPem, bundlePem: doc.bundlePem };
    },
    save: (cert) => dir.write(IDENTITY_FILE, JSON.stringify({ keyPem: cert.keyPem, certPem: cert.certPem, bundlePem: cert.bundlePem }), 0o600),
  };
}
