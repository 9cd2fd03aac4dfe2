// @weft/contracts: everything that crosses a process boundary. Proto loading is a separate entry
// (`@weft/contracts/proto`) so the console never pulls gRPC into its bundle.
export * from "./errors";
export * from "./naming";
export * from "./names";
export * from "./mesh";
export * from "./policy";
export * from "./spiffe";
export * from "./identity";
export * from "./sidecar-names";
export * from "./sidecar";
export * from "./telemetry-names";
export * from "./telemetry";
export * from "./telemetry-api";
export * from "./proxies";
