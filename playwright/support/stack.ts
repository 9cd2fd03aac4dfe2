// Where the e2e stack listens and how to sign in (scripts/stack.mjs --profile e2e).
export const CONSOLE_URL = "http://127.0.0.1:3100";
export const CONTROLLER_URL = "http://127.0.0.1:17070";
/** The controller's xDS + telemetry gRPC port in the e2e profile. */
export const XDS_ADDRESS = "127.0.0.1:18070";
export const ADMIN = { username: "admin", password: process.env.WEFT_E2E_PASSWORD ?? "weft-e2e-password" };
export const API_TOKEN = process.env.WEFT_E2E_TOKEN ?? "weft_e2e_token_0123456789abcdefghij";
/** The demo shop (the storefront's sidecar inbound listener) in the e2e profile. */
export const DEMO_URL = "http://127.0.0.1:18080";
