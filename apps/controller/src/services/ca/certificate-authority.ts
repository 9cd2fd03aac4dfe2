// The mesh CA as a use case: authenticate the join token, verify the CSR, issue a certificate for
// the token's workload identity, and log the issuance (identity, serial, expiry — never the token).
// The workload's private key never reaches the controller: it sends a CSR.
import { readFile } from "node:fs/promises";
import { ErrorCode, spiffeId, type TrustBundle } from "@weft/contracts";
import { DomainError, invalid } from "../../domain/errors";
import type { CaConfig } from "../../env";
import type { CaStore } from "../../ports/ca-store";
import type { Clock } from "../../ports/clock";
import type { WorkloadTokenService } from "../workload-tokens";
import { issueCertificate, verifyCsr } from "./certificate-issuer";
import { loadGeneratedCa, loadOperatorCa, type SigningCa } from "./signing-ca";
import { fingerprintSha256 } from "./x509";

/** Shortest certificate a caller may ask for, seconds. */
export const MIN_TTL_SECONDS = 60;

export interface SignRequest {
  /** The join token from the `authorization: Bearer …` metadata; undefined when absent. */
  token: string | undefined;
  csrPem: string;
  /** 0 or undefined = the configured default (which is also the maximum). */
  ttlSeconds?: number;
}

export interface SignResult {
  certificatePem: string;
  trustBundlePem: string;
  notAfter: Date;
  spiffeId: string;
  serial: string;
}

export interface CaLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export type CertificateAuthority = Awaited<ReturnType<typeof createCertificateAuthority>>;

async function readPem(variable: string, path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (err) {
    throw new Error(`${variable}: cannot read ${path} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}

/** Loads (or on first start generates) the signing CA; rejects when it is unusable. */
export async function createCertificateAuthority(deps: { store: CaStore; tokens: WorkloadTokenService; clock: Clock; log: CaLog; config: CaConfig }) {
  const { store, tokens, clock, log, config } = deps;
  const ca: SigningCa = config.operator
    ? await loadOperatorCa(await readPem("WEFT_CA_CERT_FILE", config.operator.certFile), await readPem("WEFT_CA_KEY_FILE", config.operator.keyFile), clock.now())
    : await loadGeneratedCa(store, { nowMs: clock.now(), ...(config.keyEncryptionKey ? { keyEncryptionKey: config.keyEncryptionKey } : {}), log });
  const bundlePem = ca.bundle.toString("pem") + "\n";
  const bundle: TrustBundle = {
    trustDomain: config.trustDomain,
    pem: bundlePem,
    source: ca.source,
    subject: ca.bundle.subject,
    notBefore: ca.bundle.notBefore.toISOString(),
    notAfter: ca.bundle.notAfter.toISOString(),
    fingerprintSha256: await fingerprintSha256(ca.bundle),
  };
  log.info({ source: ca.source, subject: bundle.subject, fingerprint: bundle.fingerprintSha256, trustDomain: config.trustDomain }, "mesh CA ready");
  const maxTtlSeconds = Math.floor(config.certTtlMs / 1000);

  return {
    trustDomain: config.trustDomain,
    trustBundle: (): TrustBundle => bundle,

    async sign(req: SignRequest): Promise<SignResult> {
      if (!req.token) {
        throw new DomainError(ErrorCode.Unauthenticated, "send the workload's join token as metadata 'authorization: Bearer weft_jt_…'");
      }
      // Authenticate first: an unauthenticated caller learns nothing about its request.
      const record = await tokens.authenticate(req.token);
      const ttl = req.ttlSeconds || maxTtlSeconds;
      if (!Number.isInteger(ttl) || ttl < MIN_TTL_SECONDS || ttl > maxTtlSeconds) {
        throw invalid("ttl_seconds", `must be between ${MIN_TTL_SECONDS} and ${maxTtlSeconds} seconds (WEFT_CERT_TTL_HOURS), or 0 for the default`);
      }
      const csr = await verifyCsr(req.csrPem);
      const id = spiffeId(config.trustDomain, record.namespace, record.service);
      const issued = await issueCertificate(ca, csr, { spiffeId: id, commonName: `${record.service}.${record.namespace}` }, { nowMs: clock.now(), ttlMs: ttl * 1000 });
      log.info({ identity: id, serial: issued.serial, notAfter: issued.notAfter.toISOString(), tokenId: record.id }, "issued a workload certificate");
      return { certificatePem: issued.certificatePem, trustBundlePem: bundlePem, notAfter: issued.notAfter, spiffeId: id, serial: issued.serial };
    },
  };
}
