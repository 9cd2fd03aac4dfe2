// What the console calls traffic no version served: requests that never reached an instance
// (aborted by a fault policy, refused, no healthy endpoint) carry an empty destination version.
export const NO_VERSION = "answered by sidecar";

export function versionLabel(version: string): string {
  return version === "" ? NO_VERSION : version;
}
