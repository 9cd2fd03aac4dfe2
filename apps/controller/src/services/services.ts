// The use cases the transports call, bundled for the tRPC context.
import type { AuthService } from "./auth-service";
import type { MeshService } from "./mesh-service";
import type { ProxyRegistry } from "./proxy-registry";
import type { TelemetryService } from "./telemetry-service";

export interface Services {
  mesh: MeshService;
  auth: AuthService;
  proxies: ProxyRegistry;
  telemetry: TelemetryService;
}
