// A service's domain state with sensible defaults, for the domain's unit tests (never imported by the app).
import type { ServiceState } from "./mesh-state";

export function serviceFixture(over: Partial<ServiceState> = {}): ServiceState {
  return {
    id: "s",
    name: "reviews",
    namespace: "default",
    protocol: "http",
    port: 80,
    description: "",
    policy: {},
    createdAt: new Date(0),
    updatedAt: new Date(0),
    versions: [
      { id: "v1id", name: "v1", labels: {} },
      { id: "v2id", name: "v2", labels: {} },
    ],
    endpoints: [],
    routes: [],
    ...over,
  };
}
