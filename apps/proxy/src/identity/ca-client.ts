// Client of the controller's CA (`weft.ca.v1.CertificateService/Sign`): sends the CSR with the join
// token as `authorization: Bearer …` (never indexed by HPACK) and returns the certificate and trust
// bundle. One call, one connection (renewals are hours apart). The token is never logged or put in errors.
import type { Protos } from "@weft/contracts/proto";
import type { Clock } from "../core/clock";
import { methodOf, unaryCall, GrpcCallError } from "../grpc/call";

export interface SignResult {
  certificatePem: string;
  trustBundlePem: string;
}

/** Sends a CSR to the CA; rejects with a readable Error (gRPC status name and the CA's message). */
export type Signer = (csrPem: string) => Promise<SignResult>;

export interface CaClientOptions {
  /** gRPC `host:port` of the CA (the controller's xDS port by default). */
  address: string;
  /** The join token (`weft_jt_…`). */
  token: string;
  protos: Protos;
  /** Deadline of one Sign call, ms. */
  timeoutMs?: number;
  clock?: Clock;
}

interface SignResponseWire {
  certificate_pem?: string;
  trust_bundle_pem?: string;
}

export function createCaSigner(options: CaClientOptions): Signer {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const method = methodOf<{ csr_pem: string }, SignResponseWire>(options.protos.services.ca.Sign!);
  return async (csrPem) => {
    let res: SignResponseWire;
    try {
      res = await unaryCall(options.address, method, { csr_pem: csrPem }, {
        metadata: { authorization: `Bearer ${options.token}` },
        sensitive: ["authorization"],
        timeoutMs,
        ...(options.clock ? { clock: options.clock } : {}),
      });
    } catch (err) {
      if (!(err instanceof GrpcCallError)) throw err;
      throw new Error(`the CA at ${options.address} answered ${err.message}`);
    }
    if (!res.certificate_pem || !res.trust_bundle_pem) throw new Error(`the CA at ${options.address} answered without certificate_pem or trust_bundle_pem`);
    return { certificatePem: res.certificate_pem, trustBundlePem: res.trust_bundle_pem };
  };
}
