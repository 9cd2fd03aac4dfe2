// weft.ca.v1.CertificateService/Sign on the xDS gRPC port: the join token from the metadata, the CSR
// from the request; domain errors become UNAUTHENTICATED / INVALID_ARGUMENT with a message naming
// what is wrong. Tokens are never logged.
import { status, type sendUnaryData, type ServerUnaryCall, type UntypedServiceImplementation } from "@grpc/grpc-js";
import { ErrorCode } from "@weft/contracts";
import { DomainError } from "../../domain/errors";
import type { CertificateAuthority } from "../../services/ca/certificate-authority";

interface WireSignRequest {
  csr_pem?: string;
  ttl_seconds?: number;
}

interface WireSignResponse {
  certificate_pem: string;
  trust_bundle_pem: string;
  not_after: { seconds: string; nanos: number };
  spiffe_id: string;
  serial: string;
}

const GRPC_STATUS: Partial<Record<string, status>> = {
  [ErrorCode.Unauthenticated]: status.UNAUTHENTICATED,
  [ErrorCode.Validation]: status.INVALID_ARGUMENT,
};

/** "Bearer <token>" from the authorization metadata (case-insensitive scheme). */
function bearerOf(call: ServerUnaryCall<unknown, unknown>): string | undefined {
  const value = call.metadata.get("authorization")[0];
  const m = typeof value === "string" ? /^Bearer\s+(\S+)$/i.exec(value.trim()) : null;
  return m?.[1];
}

export function createCertificateImplementation(deps: {
  ca: CertificateAuthority;
  log: { warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
}): UntypedServiceImplementation {
  return {
    Sign(call: ServerUnaryCall<WireSignRequest, WireSignResponse>, callback: sendUnaryData<WireSignResponse>) {
      const req = call.request;
      deps.ca
        .sign({ token: bearerOf(call), csrPem: req.csr_pem ?? "", ttlSeconds: Number(req.ttl_seconds ?? 0) })
        .then((r) =>
          callback(null, {
            certificate_pem: r.certificatePem,
            trust_bundle_pem: r.trustBundlePem,
            not_after: { seconds: String(Math.floor(r.notAfter.getTime() / 1000)), nanos: 0 },
            spiffe_id: r.spiffeId,
            serial: r.serial,
          }),
        )
        .catch((err: unknown) => {
          if (err instanceof DomainError && GRPC_STATUS[err.code] !== undefined) {
            deps.log.warn({ peer: call.getPeer(), code: err.code, reason: err.message }, "refused a certificate request");
            callback({ code: GRPC_STATUS[err.code]!, details: err.message });
            return;
          }
          deps.log.error({ err, peer: call.getPeer() }, "certificate signing failed");
          callback({ code: status.INTERNAL, details: "the CA failed to sign; see the controller log" });
        });
    },
  } as UntypedServiceImplementation;
}
