// Client of the controller's CA (`weft.ca.v1.CertificateService/Sign`): sends the CSR with the join
// token as `authorization: Bearer …` and returns the certificate and trust bundle. One short-lived
// gRPC client per call (renewals are hours apart). The token is never logged or put in errors.
import { credentials, Metadata, status as GrpcStatus, type Client, type ServiceError } from "@grpc/grpc-js";
import type { Protos } from "@weft/contracts/proto";

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
}

interface SignResponseWire {
  certificate_pem?: string;
  trust_bundle_pem?: string;
}

export function createCaSigner(options: CaClientOptions): Signer {
  const timeoutMs = options.timeoutMs ?? 10_000;
  return (csrPem) =>
    new Promise<SignResult>((resolve, reject) => {
      const client = new options.protos.ca(options.address, credentials.createInsecure(), { "grpc.use_local_subchannel_pool": 1 }) as unknown as Client & {
        Sign(req: object, md: Metadata, opts: { deadline: number }, cb: (err: ServiceError | null, res?: SignResponseWire) => void): void;
      };
      const md = new Metadata();
      md.set("authorization", `Bearer ${options.token}`);
      client.Sign({ csr_pem: csrPem }, md, { deadline: Date.now() + timeoutMs }, (err, res) => {
        client.close();
        if (err) {
          const name = GrpcStatus[err.code] ?? String(err.code);
          reject(new Error(`the CA at ${options.address} answered ${name}: ${err.details || err.message}`));
          return;
        }
        if (!res?.certificate_pem || !res.trust_bundle_pem) {
          reject(new Error(`the CA at ${options.address} answered without certificate_pem or trust_bundle_pem`));
          return;
        }
        resolve({ certificatePem: res.certificate_pem, trustBundlePem: res.trust_bundle_pem });
      });
    });
}
