// Process entry of one demo service (DEMO_SERVICE, DEMO_VERSION, PORT). Outgoing calls honour
// HTTP_PROXY / NO_PROXY, which the demo launcher points at the instance's sidecar.
import { EnvHttpProxyAgent } from "undici";
import { startDemoApp } from "./demo-app";

const service = process.env.DEMO_SERVICE ?? "storefront";
const version = process.env.DEMO_VERSION ?? "v1";
const app = await startDemoApp({ service, version, port: Number(process.env.PORT ?? 8080), dispatcher: new EnvHttpProxyAgent() });
console.log(JSON.stringify({ msg: "listening", service, version, port: app.port }));
for (const signal of ["SIGTERM", "SIGINT"] as const) process.on(signal, () => void app.close().then(() => process.exit(0)));
