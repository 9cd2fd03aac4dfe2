// The use cases the transports call, bundled for the tRPC context.
import type { AuthService } from "./auth-service";
import type { CertificateAuthority } from "./ca/certificate-authority";
import type { MeshService } from "./mesh-service";
import type { ProxyRegistry } from "./proxy-registry";
import type { TelemetryService } from "./telemetry-service";
import type { WorkloadTokenService } from "./workload-tokens";

export interface Services {
  mesh: MeshService;
  auth: AuthService;
  proxies: ProxyRegistry;
  telemetry: TelemetryService;
  /** Join tokens of workloads. */
  tokens: WorkloadTokenService;
  ca: CertificateAuthority;
}
